import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The sign-out moment in a real time zone with daylight saving: the function runs in a
 * child process started with TZ set, since a process's zone is fixed when it starts.
 */
function momentIn(zone: string, entryIso: string, time: string): string {
  const script = `
    import { signOutMomentAfter } from ${JSON.stringify(path.resolve(__dirname, '../src/server/services/auto-signout.ts'))};
    console.log(new Date(signOutMomentAfter(Date.parse(process.argv[1]), process.argv[2])).toISOString());`;
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, entryIso, time], {
    env: { ...process.env, TZ: zone },
    encoding: 'utf8',
  }).trim();
}

describe('the automatic sign-out moment', () => {
  it('is the same day’s time for a morning visitor, the next day’s for an evening one', () => {
    expect(momentIn('Europe/London', '2026-11-23T09:00:00Z', '18:30')).toBe('2026-11-23T18:30:00.000Z');
    expect(momentIn('Europe/London', '2026-11-23T19:00:00Z', '18:30')).toBe('2026-11-24T18:30:00.000Z');
  });

  it('follows the wall clock across a 23-hour day (clocks go forward)', () => {
    // 29 March 2026: London goes from GMT to BST at 01:00; 23:59 BST is 22:59 UTC.
    expect(momentIn('Europe/London', '2026-03-28T20:00:00Z', '23:59')).toBe('2026-03-28T23:59:00.000Z');
    expect(momentIn('Europe/London', '2026-03-29T10:00:00Z', '23:59')).toBe('2026-03-29T22:59:00.000Z');
  });

  it('signs out someone who came in during the repeated hour at its second 01:30 (clocks go back)', () => {
    // 25 October 2026: 01:30 happens at 00:30 UTC (BST) and again at 01:30 UTC (GMT).
    expect(momentIn('Europe/London', '2026-10-25T00:10:00Z', '01:30')).toBe('2026-10-25T00:30:00.000Z');
    expect(momentIn('Europe/London', '2026-10-25T01:10:00Z', '01:30')).toBe('2026-10-25T01:30:00.000Z');
    expect(momentIn('Europe/London', '2026-10-25T01:40:00Z', '01:30')).toBe('2026-10-26T01:30:00.000Z');
  });
});
