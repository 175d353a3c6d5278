import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpDesk, dumpDifference, eventually, firstDesk, joinedDesk, type Desk } from '../helpers/desks';
import { mulberry32 } from '../../src/cli/seed/portrait';
import { FaultProxy, type LinkState } from '../helpers/fault-proxy';
import { startMailServer, type MailServer } from '../helpers/mail-server';
import { jsonRequest } from '../helpers/server';
import { makeSignature } from '../helpers/signature';
import { DATABASE_FILE } from '../../src/server/context';
import { killHard, spawnServer, stopServer } from '../reliability/server-process';

const json = (method: string, body: unknown): RequestInit => jsonRequest(method, body);

/**
 * Three desks in a line, front — middle — back: the front and back desks cannot reach each
 * other at all, only the middle desk, and the two links go up, down and flaky under the
 * work, with the middle desk killed (SIGKILL) and restarted half-way. Once the links heal,
 * every desk must hold exactly the same site, with every check-in, exit and erasure any
 * desk acknowledged: compared as complete dumps of the three data folders.
 */
/** How many random operations: 45 in `npm test`; a long run sets more (RELIABILITY.md). */
const STEPS = Number(process.env.CONVERGENCE_STEPS ?? 45);

describe('convergence after random faults', () => {
  // Another seed, other faults: CONVERGENCE_SEED=n npx vitest run test/site/convergence.test.ts
  const random = mulberry32(Number(process.env.CONVERGENCE_SEED ?? 20261206));
  const desks: Desk[] = [];
  let mail: MailServer;
  const cancelledVisits = new Set<number>();
  const proxies: FaultProxy[] = [];
  /** The two links, each a proxy per direction. */
  const links: [FaultProxy, FaultProxy][] = [];

  /** Makes `from` reach `to` only through a proxy of ours; returns it. */
  async function route(from: Desk, to: Desk): Promise<FaultProxy> {
    const target = new URL(to.server.peerAddress!);
    const proxy = new FaultProxy({ host: target.hostname, port: Number(target.port) }, random);
    proxies.push(proxy);
    await from.reach(to, await proxy.start());
    return proxy;
  }

  beforeAll(async () => {
    const front = await firstDesk('Campus');
    const middle = await joinedDesk(front, 'Middle');
    const back = await joinedDesk(middle, 'Back');
    desks.push(front, middle, back);
    links.push([await route(front, middle), await route(middle, front)]);
    links.push([await route(middle, back), await route(back, middle)]);
    // No way between the front and the back desks but through the middle one: a closed port.
    const closed = await new FaultProxy({ host: '127.0.0.1', port: 9 }, random).start();
    await front.reach(back, closed);
    await back.reach(front, closed);
    // Every desk sends invitations: the time each went out travels with its visit.
    mail = await startMailServer();
    for (const desk of desks) {
      await desk.json('/v1/admin/settings', json('PATCH', { smtp_url: mail.url, smtp_from: 'desk@example.org' }));
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(desks.map((desk) => stopServer(desk.server)));
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await mail.close();
  });

  /**
   * At a desk: a visit expected with an invitation, or one that desk knows of cancelled (maybe
   * while the desk that took it is sending the invitation: the cancellation must stand).
   */
  async function expectedVisit(desk: Desk, step: number, pick: <T>(items: readonly T[]) => T): Promise<void> {
    const today = new Date().toLocaleDateString('sv');
    if (random() < 0.6) {
      const made = await desk.api(
        '/v1/expected',
        json('POST', { name: `Guest ${step}x`, expected_date: today, email: `guest${step}@example.org` }),
      );
      expect(made.status).toBe(201);
      return;
    }
    const known = (await desk.json<{ data: { expected_id: number; status: string }[] }>('/v1/expected')).data;
    const open = known.filter((visit) => visit.status === 'expected');
    if (open.length === 0) return;
    const { expected_id } = pick(open);
    const cancelled = await desk.api(`/v1/expected/${expected_id}`, { method: 'DELETE' });
    expect([200, 409]).toContain(cancelled.status);
    if (cancelled.status === 200) cancelledVisits.add(expected_id);
  }

  /**
   * At a desk, what a site shapes check-in with (API contract Part 5): the contractors'
   * agreement made, or changed (maybe at two desks apart: both versions are kept), a visitor
   * type added or changed, a watchlist entry added or removed.
   */
  async function checkinFlows(desk: Desk, step: number, pick: <T>(items: readonly T[]) => T): Promise<void> {
    const action = random();
    const agreements = (await desk.json<{ data: { agreement_id: number }[] }>('/v1/admin/agreements')).data;
    if (action < 0.35 || agreements.length === 0) {
      if (agreements.length === 0) {
        const made = await desk.json<{ data: { agreement_id: number } }>(
          '/v1/admin/agreements',
          json('POST', {
            title: 'Site rules',
            text: `# Rules

First written at step ${step}.`,
          }),
        );
        await desk.json('/v1/admin/visitor-types/2', json('PATCH', { agreement_id: made.data.agreement_id }));
      } else {
        const { agreement_id } = pick(agreements);
        await desk.json(`/v1/admin/agreements/${agreement_id}`, json('PATCH', { text: `Rewritten at step ${step}.` }));
      }
    } else if (action < 0.55) {
      const types = (await desk.json<{ data: { type_id: number }[] }>('/v1/visitor-types')).data;
      if (random() < 0.5) {
        const made = await desk.api(
          '/v1/admin/visitor-types',
          json('POST', { name: `Type ${step}`, color: '#336699', photo_required: random() < 0.5, agreement_id: null }),
        );
        expect([201, 409]).toContain(made.status);
      } else {
        const { type_id } = pick(types.filter((type) => type.type_id !== 1));
        const changed = await desk.api(
          `/v1/admin/visitor-types/${type_id}`,
          json('PATCH', { badge_note: `Note ${step}`, active: random() < 0.8 }),
        );
        expect([200, 409]).toContain(changed.status);
      }
    } else {
      const entries = (await desk.json<{ data: { entry_id: number }[] }>('/v1/admin/watchlist')).data;
      if (entries.length > 0 && random() < 0.4) {
        const removed = await desk.api(`/v1/admin/watchlist/${pick(entries).entry_id}`, { method: 'DELETE' });
        expect(removed.status).toBe(200);
      } else {
        const added = await desk.api(
          '/v1/admin/watchlist',
          json('POST', { name: `Watched ${step}x`, mobile: `+4470000${step}`, reason: `Reason ${step}` }),
        );
        expect(added.status).toBe(201);
      }
    }
  }

  /**
   * What a roll call's answer may be while other desks' changes arrive: done, or refused
   * because the desk learnt meanwhile that the roll was closed (or another one opened).
   */
  async function expectDoneOrOvertaken(answer: Response, done: number): Promise<void> {
    if (answer.status === 409) {
      expect(await answer.text()).toMatch(/is closed|roll already closed|is still open/);
    } else expect(answer.status).toBe(done);
  }

  /** At a desk: a roll call started when none is open there, else someone marked, unmarked, or the roll closed. */
  async function rollCall(desk: Desk, pick: <T>(items: readonly T[]) => T): Promise<void> {
    const calls = (
      await desk.json<{ data: { evacuation_id: number; closed_time: string | null }[] }>('/v1/evacuations')
    ).data;
    const open = calls.find((call) => call.closed_time === null);
    if (!open) {
      await expectDoneOrOvertaken(
        await desk.api('/v1/evacuations', json('POST', { kind: pick(['drill', 'real']) })),
        201,
      );
      return;
    }
    const { data } = await desk.json<{ data: { people: { visitor_id: string }[] } }>(
      `/v1/evacuations/${open.evacuation_id}`,
    );
    const action = random();
    if (action < 0.15 || data.people.length === 0) {
      await expectDoneOrOvertaken(
        await desk.api(`/v1/evacuations/${open.evacuation_id}/close`, { method: 'POST' }),
        200,
      );
      return;
    }
    const person = pick(data.people).visitor_id;
    const method = action < 0.3 ? 'DELETE' : 'POST';
    // A person only on a roll closed before it met another desk's is on a report: not marked.
    await expectDoneOrOvertaken(
      await desk.api(`/v1/evacuations/${open.evacuation_id}/accounted/${person}`, { method }),
      200,
    );
  }

  it(
    'holds the same site at every desk, with everything acknowledged, once the links heal',
    async () => {
      const checkedIn = new Map<string, string>();
      // Each contractor signs with a signature of their own, so a byte search finds only theirs.
      const signatures = new Map<string, Buffer>();
      let flowSteps = 0;
      let expectedSteps = 0;
      const left = new Set<string>();
      const erased = new Set<string>();
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
      const states: LinkState[] = ['up', 'up', 'down', 'flaky'];

      for (let step = 0; step < STEPS; step++) {
        if (step % 5 === 0) for (const link of links) link.forEach((proxy) => proxy.set(pick(states)));
        if (step % 60 === 20) {
          // A desk loses power in the middle of the work (the middle one first, then each in
          // turn on a long run), and comes back on the same port.
          const victim = desks[(1 + Math.floor(step / 60)) % desks.length]!;
          await killHard(victim.server);
          const port = Number(new URL(victim.server.peerAddress!).port);
          victim.server = await spawnServer(victim.dataDir, { peerPort: port });
        }
        const desk = pick(desks);
        const roll = random();
        // Which branch a roll takes depends on what the desks hold by then (timing), and the rare
        // kinds of work (expected visits, check-in flows: one roll in 40 and in 33) can miss a
        // whole run: half-way, each the rolls have not made yet is made once for certain.
        if (step === Math.floor(STEPS / 2) && (expectedSteps === 0 || flowSteps === 0)) {
          if (expectedSteps === 0) {
            await expectedVisit(desk, step, pick);
            expectedSteps++;
          }
          if (flowSteps === 0) {
            await checkinFlows(desk, step, pick);
            flowSteps++;
          }
        } else if (roll < 0.5 || checkedIn.size === 0) {
          // No name is part of another ("Visitor 1x" is not in "Visitor 12x"), so a byte search finds only its own.
          const name = `Visitor ${step}x`;
          const signature = random() < 0.3 ? await makeSignature({ seed: step }) : undefined;
          const signed = signature ? await desk.checkInSigned(name, 100 + step, signature) : undefined;
          if (signed) signatures.set(signed, signature!);
          checkedIn.set(signed ?? (await desk.checkIn(name, 100 + step)), name);
        } else if (roll < 0.75) {
          // An exit at whichever desk, of someone it knows to be on the premises.
          const here = (await desk.log()).filter((visitor) => visitor.exit_time === null && !visitor.erased);
          if (here.length > 0) {
            const id = pick(here).visitor_id;
            if ((await desk.api(`/v1/exit/${id}`)).status === 200) left.add(id);
          }
        } else if (roll < 0.82) {
          const known = (await desk.log()).filter((visitor) => !visitor.erased);
          if (known.length > 0) {
            const id = pick(known).visitor_id;
            const done = await desk.api(`/v1/admin/visitors/${id}/erase`, json('POST', { reason: 'request' }));
            if (done.status === 200) erased.add(id);
          }
        } else if (roll < 0.89) {
          await rollCall(desk, pick);
        } else if (roll < 0.91) {
          expect((await desk.api('/v1/admin/visitees', json('POST', { name: `Host ${step}` }))).status).toBe(201);
        } else if (roll < 0.93) {
          const username = `staff${step}`;
          const made = await desk.api(
            '/v1/admin/users',
            json('POST', { username, password: 'a long password', role: 'reception' }),
          );
          expect(made.status).toBe(201);
          const { data } = (await made.json()) as { data: { user_id: number } };
          // Promoted or deactivated at another desk, maybe before this one's news reached it.
          const other = pick(desks.filter((candidate) => candidate !== desk));
          const patch = random() < 0.5 ? { role: 'admin' } : { active: false };
          const changed = await other.api(`/v1/admin/users/${data.user_id}`, json('PATCH', patch));
          expect([200, 404]).toContain(changed.status);
        } else if (roll < 0.955) {
          await expectedVisit(desk, step, pick);
          expectedSteps++;
        } else if (roll < 0.985) {
          await checkinFlows(desk, step, pick);
          flowSteps++;
        } else {
          const size = pick(['62x100', '54x101', 'a6']);
          expect((await desk.api('/v1/admin/settings', json('PATCH', { badge_size: size }))).status).toBe(200);
        }
      }

      for (const link of links) link.forEach((proxy) => proxy.set('up'));
      const dumps = await eventually(async () => {
        const all = desks.map((desk) => dumpDesk(desk.dataDir));
        for (const other of [all[1]!, all[2]!]) {
          const difference = dumpDifference(all[0]!, other);
          if (difference) throw new Error(difference);
        }
        return all;
      }, 120_000);

      const visitors = new Map(
        (
          dumps[0]!.visitors as { visitor_id: string; name: string; exit_at: number | null; erased_at: number | null }[]
        ).map((visitor) => [visitor.visitor_id, visitor]),
      );
      for (const [id, name] of checkedIn) {
        const visitor = visitors.get(id);
        expect(visitor, `check-in of ${name}`).toBeDefined();
        if (erased.has(id)) expect(visitor!.erased_at).not.toBeNull();
        else expect(visitor!.name).toBe(name);
        if (left.has(id)) expect(visitor!.exit_at).not.toBeNull();
      }
      // An erased visitor leaves no byte on any desk: not in the database or its journal, not a photo file.
      for (const desk of desks) {
        const files = ['', '-wal'].map((suffix) => path.join(desk.dataDir, DATABASE_FILE + suffix));
        const bytes = Buffer.concat(files.filter((file) => fs.existsSync(file)).map((file) => fs.readFileSync(file)));
        const photos = Object.keys(dumpDesk(desk.dataDir).photos as Record<string, string>);
        for (const id of erased) {
          expect(bytes.includes(checkedIn.get(id)!), `${checkedIn.get(id)} in ${desk.dataDir}`).toBe(false);
          expect(photos.filter((file) => file.includes(id))).toEqual([]);
          // Nor their signature: a piece of its compressed pixels.
          const signature = signatures.get(id);
          if (signature) {
            const idat = signature.indexOf('IDAT');
            expect(bytes.includes(signature.subarray(idat + 4, idat + 68)), `signature of ${id}`).toBe(false);
          }
        }
      }
      expect(checkedIn.size).toBeGreaterThan(10);
      // A cancellation stands wherever the invitation was sent from, and every visit has its one token.
      const visits = dumps[0]!.expected as { expected_id: number; status: string; invite_token: string | null }[];
      for (const id of cancelledVisits)
        expect(visits.find((visit) => visit.expected_id === id)?.status).toBe('cancelled');
      for (const visit of visits) expect(visit.invite_token).toMatch(/^[0-9A-F]{64}$/);
      expect(expectedSteps).toBeGreaterThan(0);
      // Every signature acknowledged is at every desk (the dumps are equal), unless its visitor was erased.
      const signed = new Set((dumps[0]!.signatures as { visitor_id: string }[]).map((s) => s.visitor_id));
      for (const id of signatures.keys()) expect(signed.has(id)).toBe(!erased.has(id));
      if (STEPS >= 45) expect(flowSteps).toBeGreaterThan(0);
    },
    300_000 + STEPS * 3_000,
  );
});
