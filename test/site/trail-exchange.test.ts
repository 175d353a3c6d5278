import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContext, type AppContext } from '../../src/server/context';
import { auditLogRepository } from '../../src/server/db/repositories/audit-log';
import { siteRepository } from '../../src/server/db/repositories/site';
import { verifyCopies } from '../../src/server/services/audit';
import { trailExchange } from '../../src/server/site/trail-exchange';
import { tempDataDir } from '../helpers/server';

type Exchange = ReturnType<typeof trailExchange>;
type Part = ReturnType<Exchange['entriesAfter']>;

/**
 * One desk's audit trail copied to others, entry by entry, over real data folders: the
 * origin desk signs the head of what it serves, and no desk can change, drop or make up an
 * entry of another's on the way.
 */
describe('copying a desk’s audit trail', () => {
  let origin: AppContext;
  let copy: AppContext;
  let third: AppContext;
  let stranger: AppContext;
  let originId: string;

  const deskIdOf = (ctx: AppContext) => ctx.db.prepare('SELECT desk_id FROM this_desk').pluck().get() as string;
  const exchange = (ctx: AppContext): Exchange =>
    trailExchange({
      log: auditLogRepository(ctx.db),
      deskId: deskIdOf(ctx),
      desk: (deskId) => siteRepository(ctx.db).desk(deskId),
      credentials: () => ctx.site.credentials(),
    });
  const take = (ctx: AppContext, part: Part) =>
    ctx.writes.run(() => exchange(ctx).take(part.audit, part.heads), { received: true });

  beforeAll(async () => {
    const open = () => openContext({ dataDir: tempDataDir() });
    origin = await open();
    copy = await open();
    third = await open();
    stranger = await open();
    await origin.auth.createFirstUser('admin', 'a long password');
    for (const size of ['a6', '54x101', '62x100'] as const) origin.settings.update({ badge_size: size }, 1);
    await origin.site.create('Campus', 'Front');
    await stranger.site.create('Elsewhere', 'Stranger');
    await stranger.auth.createFirstUser('admin', 'a long password');
    stranger.settings.update({ badge_size: 'a6' }, 1);
    originId = deskIdOf(origin);
    // The copying desks know the origin desk, as they would after joining its site.
    const originDesk = siteRepository(origin.db).desk(originId)!;
    for (const ctx of [copy, third]) {
      ctx.writes.run(() => siteRepository(ctx.db).addDesk(originDesk), { received: true });
    }
  });

  afterAll(() => {
    for (const ctx of [origin, copy, third, stranger]) ctx?.close();
  });

  it('takes a part only whole and signed: a changed entry, a gap or a head the desk did not sign is refused, with nothing of it kept', () => {
    const part = exchange(origin).entriesAfter({});
    expect(part.audit.length).toBeGreaterThanOrEqual(3);
    expect(part.heads).toEqual([expect.objectContaining({ desk_id: originId, audit_id: part.audit.at(-1)!.audit_id })]);
    const [first, second] = part.audit as [Part['audit'][0], Part['audit'][0]];

    expect(
      take(copy, { ...part, audit: [{ ...first, detail: 'something else' }, ...part.audit.slice(1)] }).problems,
    ).toEqual([expect.stringMatching(/does not chain/)]);
    expect(take(copy, { ...part, audit: part.audit.slice(1) }).problems).toEqual([
      expect.stringMatching(/where 1 was due/),
    ]);
    // Every entry honest, but only the first two: they do not reach the head the desk signed.
    expect(take(copy, { ...part, audit: [first, second] }).problems).toEqual([
      expect.stringMatching(/does not reach the head it signed/),
    ]);
    // A head signed by another key: made up by whoever relays it.
    const forged = exchange(stranger).entriesAfter({}).heads[0]!;
    const signature = forged.signature;
    expect(take(copy, { ...part, heads: [{ ...part.heads[0]!, signature }] }).problems).toEqual([
      expect.stringMatching(/did not sign/),
    ]);
    expect(exchange(copy).held()[originId]).toBeUndefined();

    expect(take(copy, part)).toEqual({ taken: part.audit.length, problems: [] });
    expect(exchange(copy).held()[originId]).toBe(part.audit.at(-1)!.audit_id);
  });

  it('refuses the trail of a desk that is not of the site, and entries of the taking desk’s own trail', () => {
    const strangers = exchange(stranger).entriesAfter({});
    expect(take(copy, strangers).problems).toEqual([expect.stringMatching(/not a desk of the site/)]);
    const ownAgain = exchange(origin).entriesAfter({});
    expect(take(origin, ownAgain).problems).toEqual([expect.stringMatching(/own trail/)]);
  });

  it('passes on another desk’s entries up to a head that desk signed, which a third desk verifies', () => {
    origin.settings.update({ badge_size: 'a6' }, 1);
    expect(take(copy, exchange(origin).entriesAfter(exchange(copy).held())).problems).toEqual([]);
    const relayed = exchange(copy).entriesAfter({ [originId]: 1 });
    expect(relayed.audit[0]!.audit_id).toBe(2);
    expect(relayed.heads.map((head) => head.desk_id)).toEqual([originId]);
    // A third desk starts at 1: the relayed part after 1 is not for it, the whole one is.
    expect(take(third, relayed).problems).toEqual([expect.stringMatching(/where 1 was due/)]);
    expect(take(third, exchange(copy).entriesAfter({})).problems).toEqual([]);
    expect(exchange(third).held()[originId]).toBe(exchange(origin).held()[originId]);
    // Never the asking desk's own trail back to it.
    expect(exchange(copy).entriesAfter({}, originId).audit).toEqual([]);

    const certificateOf = (deskId: string) => siteRepository(third.db).desk(deskId)?.certificate;
    const verified = verifyCopies(auditLogRepository(third.db), certificateOf);
    expect(verified.problems).toEqual([]);
    expect(verified.chains.map(({ deskId, check }) => [deskId, check.ok, check.problems])).toEqual([
      [originId, true, []],
    ]);
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
