import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContext, type AppContext } from '../../src/server/context';
import { auditLogRepository } from '../../src/server/db/repositories/audit-log';
import { verifyCopies } from '../../src/server/services/audit';
import { trailExchange } from '../../src/server/site/trail-exchange';
import { tempDataDir } from '../helpers/server';

/** One desk's audit trail copied to another, entry by entry, over two real data folders. */
describe('copying a desk’s audit trail', () => {
  let origin: AppContext;
  let copy: AppContext;

  beforeAll(async () => {
    origin = await openContext({ dataDir: tempDataDir() });
    copy = await openContext({ dataDir: tempDataDir() });
    await origin.auth.createFirstUser('admin', 'a long password');
    origin.settings.update({ badge_size: 'a6' }, 1);
    origin.settings.update({ badge_size: '54x101' }, 1);
    origin.settings.update({ badge_size: '62x100' }, 1);
  });

  afterAll(() => {
    origin?.close();
    copy?.close();
  });

  const exchange = (ctx: AppContext) =>
    trailExchange({
      log: auditLogRepository(ctx.db),
      deskId: ctx.db.prepare('SELECT desk_id FROM this_desk').pluck().get() as string,
    });
  const take = (entries: ReturnType<ReturnType<typeof exchange>['entriesAfter']>) =>
    copy.writes.run(() => exchange(copy).take(entries), { received: true });

  it('takes a chain only whole: a changed entry, a gap or an entry out of place is refused, with nothing after it', () => {
    const entries = exchange(origin).entriesAfter({}, 100);
    expect(entries.length).toBeGreaterThanOrEqual(3);
    const [first, second, third] = entries as [(typeof entries)[0], (typeof entries)[0], (typeof entries)[0]];

    expect(take([{ ...first, detail: 'something else' }, second])).toMatch(/does not chain/);
    expect(take([second, third])).toMatch(/does not follow entry 0/);
    expect(exchange(copy).held()[first.desk_id]).toBeUndefined();

    expect(take([first])).toBeUndefined();
    // The same entry again (asked of two desks at once) is taken once; the next must chain from it.
    expect(take([first, { ...second, hash: first.hash }])).toMatch(/does not chain/);
    expect(take(entries)).toBeUndefined();
    expect(exchange(copy).held()[first.desk_id]).toBe(entries.at(-1)!.audit_id);
    const verified = verifyCopies(auditLogRepository(copy.db));
    expect(verified.problems).toEqual([]);
    expect(verified.chains.map(({ deskId, check }) => [deskId, check.ok, check.entries])).toEqual([
      [first.desk_id, true, entries.length],
    ]);
  });

  it('passes on what it holds of another desk’s trail, after what the asking desk has', () => {
    const held = exchange(origin).entriesAfter({}, 100);
    const passedOn = exchange(copy).entriesAfter({ [held[0]!.desk_id]: 1 }, 100);
    expect(passedOn.filter((entry) => entry.desk_id === held[0]!.desk_id)).toEqual(held.slice(1));
  });

  it('refuses by the table itself any change to a copy, and an entry out of its place', () => {
    expect(copy.db.prepare('SELECT count(*) FROM audit_copies').pluck().get()).toBeGreaterThan(0);
    expect(() => copy.writes.run(() => copy.db.exec("UPDATE audit_copies SET detail = 'x'"))).toThrow(/append-only/);
    expect(() => copy.writes.run(() => copy.db.exec('DELETE FROM audit_copies'))).toThrow(/append-only/);
    expect(() =>
      copy.writes.run(() =>
        copy.db.exec(
          `INSERT INTO audit_copies SELECT desk_id, audit_id + 5, time, user_id, username, action, visitor_id, detail, hash
             FROM audit_copies ORDER BY audit_id DESC LIMIT 1`,
        ),
      ),
    ).toThrow(/append-only/);
  });
});
