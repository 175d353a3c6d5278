import { describe, expect, it } from 'vitest';
import { decodeBudget } from '../src/server/media/decode-budget';

/** A piece of work that runs until it is let go, recording when it starts and ends. */
function held(log: string[], name: string) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return {
    work: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
    finish: () => finish(),
    fail: () => fail(new Error(`${name} failed`)),
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('the decode budget', () => {
  it('runs two at once while what they hold fits, and the rest in the order they came', async () => {
    const budget = decodeBudget(100, 2);
    const log: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => held(log, name));
    const results = [
      budget.run(10, a!.work),
      budget.run(10, b!.work),
      budget.run(10, c!.work),
      budget.run(10, d!.work),
    ];
    await turn();
    expect(log).toEqual(['start a', 'start b']);
    b!.finish();
    await turn();
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    a!.finish();
    c!.finish();
    d!.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps a costly decode waiting for room without letting cheaper ones after it overtake it', async () => {
    const budget = decodeBudget(100, 2);
    const log: string[] = [];
    const [small, large, cheap] = ['small', 'large', 'cheap'].map((name) => held(log, name));
    const results = [budget.run(60, small!.work), budget.run(60, large!.work), budget.run(5, cheap!.work)];
    await turn();
    // 60 + 60 is over the budget: the large one waits, and so does the cheap one behind it.
    expect(log).toEqual(['start small']);
    small!.finish();
    await turn();
    expect(log).toEqual(['start small', 'end small', 'start large', 'start cheap']);
    large!.finish();
    cheap!.finish();
    await Promise.all(results);
  });

  it('runs a decode costlier than the whole budget alone, and frees its share when it fails', async () => {
    const budget = decodeBudget(100, 2);
    const log: string[] = [];
    const [first, huge, after] = ['first', 'huge', 'after'].map((name) => held(log, name));
    const results = [budget.run(10, first!.work), budget.run(500, huge!.work), budget.run(10, after!.work)];
    await turn();
    expect(log).toEqual(['start first']);
    first!.finish();
    await turn();
    expect(log).toEqual(['start first', 'end first', 'start huge']);
    huge!.fail();
    await expect(results[1]).rejects.toThrow('huge failed');
    await turn();
    expect(log).toEqual(['start first', 'end first', 'start huge', 'start after']);
    after!.finish();
    await results[2];
  });
});
