import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, dumpDesk, eventually, firstDesk, joinedDesk, type Desk } from '../helpers/desks';
import { checkInForm, signIn, tempDataDir } from '../helpers/server';
import { makeImage } from '../helpers/images';
import { startMailServer } from '../helpers/mail-server';
import { spawnServer, stopServer } from '../reliability/server-process';

/**
 * Two desks of one site, each its own server process over its own data folder, pairing and
 * converging over their TLS peer listeners (API contract Part 3).
 */
describe('one site, two desks', () => {
  let front: Desk;
  let side: Desk;

  beforeAll(async () => {
    front = await firstDesk('Head office');
    side = await joinedDesk(front, 'Side door');
  }, 60_000);

  afterAll(async () => {
    await Promise.all([front, side].filter(Boolean).map((desk) => stopServer(desk.server)));
  });

  it('lets the new desk sign in with the site’s staff accounts at once', () => {
    expect(side.token).toMatch(/\S{20,}/);
  });

  it('shows a check-in at either desk on the other, with its photo', async () => {
    const atFront = await front.checkIn('Frida Front', 11);
    const atSide = await side.checkIn('Simon Side', 12);
    for (const [desk, id] of [
      [side, atFront],
      [front, atSide],
    ] as const) {
      const found = await eventually(
        async () => (await desk.log()).find((visitor) => visitor.visitor_id === id) ?? false,
      );
      expect(found.has_photo).toBe(true);
      expect((await desk.api(`/v1/photo/thumb/${id}`)).status).toBe(200);
    }
  }, 60_000);

  it('tells the host once, from the desk where the visitor checked in, though both desks send e-mail', async () => {
    const mail = await startMailServer();
    try {
      const json = { 'content-type': 'application/json' };
      for (const desk of [front, side]) {
        await desk.json('/v1/admin/settings', {
          method: 'PATCH',
          headers: json,
          body: JSON.stringify({ smtp_url: mail.url, smtp_from: 'desk@example.org' }),
        });
      }
      const host = await front.json<{ data: { visitee_no: number } }>('/v1/admin/visitees', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ name: 'Nora Notified', email: 'nora@example.org' }),
      });
      // The host reaches the side desk; the visitor checks in there.
      const visiteeNo = host.data.visitee_no;
      await eventually(async () =>
        (await side.json<{ data: { visitee_no: number }[] }>('/v1/get/visitee')).data.some(
          (one) => one.visitee_no === visiteeNo,
        ),
      );
      const form = checkInForm(await makeImage('jpeg', 160, 120, 19), {
        name: 'Once Only',
        cardno: '19',
        visitee_no: String(visiteeNo),
      });
      const { visitor_id } = await side.json<{ visitor_id: string }>('/v1/add/', { method: 'POST', body: form });
      const [message] = await mail.waitFor(1);
      expect(message!.parsed.subject).toBe('Once Only has arrived');
      expect(message!.parsed.text).toContain('Side door');
      // The visitor reached the front desk too, and the front desk wrote no notice of its own.
      await eventually(async () => (await front.log()).some((visitor) => visitor.visitor_id === visitor_id));
      const frontNotices = await front.json<{ data: unknown[] }>('/v1/admin/notifications');
      expect(frontNotices.data).toEqual([]);
      const sideNotices = await side.json<{ data: { visitor_id: string; status: string }[] }>(
        '/v1/admin/notifications',
      );
      expect(sideNotices.data.map((notice) => notice.visitor_id)).toEqual([visitor_id]);
      expect(mail.received).toHaveLength(1);
    } finally {
      await mail.close();
    }
  }, 60_000);

  it('puts everyone either desk knows on a roll call started at the other', async () => {
    const id = await front.checkIn('Rosa Roll', 13);
    await eventually(async () => (await side.log()).some((visitor) => visitor.visitor_id === id));
    const roll = await side.json<{ data: { evacuation_id: number; people: { visitor_id: string }[] } }>(
      '/v1/evacuations',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'drill' }) },
    );
    expect(roll.data.people.map((person) => person.visitor_id)).toContain(id);
    await side.api(`/v1/evacuations/${roll.data.evacuation_id}/close`, { method: 'POST' });
  }, 60_000);

  it('signs a visitor out everywhere from either desk, and erases them everywhere', async () => {
    const id = await front.checkIn('Eve Erase', 14);
    await eventually(async () => (await side.log()).some((visitor) => visitor.visitor_id === id));
    expect((await side.api(`/v1/exit/${id}`)).status).toBe(200);
    await eventually(async () => (await front.log()).find((visitor) => visitor.visitor_id === id)?.exit_time != null);

    const erased = await front.api(`/v1/admin/visitors/${id}/erase`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'request' }),
    });
    expect(erased.status).toBe(200);
    const there = await eventually(
      async () => (await side.log()).find((visitor) => visitor.visitor_id === id && visitor.erased) ?? false,
    );
    expect(there.name).toBe('Erased visitor');
    await eventually(async () => (await side.api(`/v1/photo/thumb/${id}`)).status === 404);
  }, 60_000);

  it('keeps a correction made at one desk when the visitor then leaves at the other', async () => {
    const id = await front.checkIn('Typo Nmae', 15);
    await eventually(async () => (await side.log()).some((visitor) => visitor.visitor_id === id));
    const corrected = await front.api(`/v1/visitors/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Typo Name' }),
    });
    expect(corrected.status).toBe(200);
    expect((await side.api(`/v1/exit/${id}`)).status).toBe(200);
    for (const desk of [front, side]) {
      await eventually(async () => {
        const visitor = (await desk.log()).find((listed) => listed.visitor_id === id);
        return visitor?.name === 'Typo Name' && visitor.exit_time !== null;
      });
    }
  }, 60_000);

  it('ends an account’s sessions on the other desk when it is deactivated at one', async () => {
    const made = await front.json<{ data: { user_id: number } }>('/v1/admin/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'temp', password: 'a temp password', role: 'reception' }),
    });
    const token = await eventually(() => signIn(side.server.url, 'temp', 'a temp password'));
    const asTemp = () => fetch(`${side.server.url}/v1/get/`, { headers: { authorization: `Token ${token}` } });
    expect((await asTemp()).status).toBe(200);
    await front.api(`/v1/admin/users/${made.data.user_id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ active: false }),
    });
    await eventually(async () => (await asTemp()).status === 401);
  }, 60_000);

  it('shows two roll calls started at desks apart as one when they meet, with every mark', async () => {
    const atFront = await front.checkIn('Fay Front', 41);
    const atSide = await side.checkIn('Sid Side', 42);
    await eventually(async () => (await front.log()).some((visitor) => visitor.visitor_id === atSide));
    await eventually(async () => (await side.log()).some((visitor) => visitor.visitor_id === atFront));
    // Apart: each desk is told the other is where nothing listens.
    await front.reach(side, 'https://127.0.0.1:9');
    await side.reach(front, 'https://127.0.0.1:9');
    // A late arrival at the side door only that desk knows of.
    const late = await side.checkIn('Lou Late', 43);

    interface Roll {
      data: {
        evacuation_id: number;
        kind: string;
        closed_time: string | null;
        people: { visitor_id: string; accounted_by: string | null; accounted_time: string | null }[];
        desks: { desk_id: string; last_heard_time: string | null }[];
      };
    }
    const start = (desk: Desk, kind: string) =>
      desk.json<Roll>('/v1/evacuations', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind }),
      });
    const atFrontRoll = await start(front, 'drill');
    const atSideRoll = await start(side, 'real');
    expect(atFrontRoll.data.people.map((person) => person.visitor_id)).not.toContain(late);
    expect(atSideRoll.data.desks).toEqual([expect.objectContaining({ desk_id: await front.deskId() })]);
    await front.json(`/v1/evacuations/${atFrontRoll.data.evacuation_id}/accounted/${atFront}`, { method: 'POST' });
    await side.json(`/v1/evacuations/${atSideRoll.data.evacuation_id}/accounted/${atSide}`, { method: 'POST' });

    await front.reach(side, side.server.peerAddress!);
    await side.reach(front, front.server.peerAddress!);
    const shown = await Promise.all(
      [front, side].map((desk) =>
        eventually(async () => {
          const calls = (
            await desk.json<{ data: { evacuation_id: number; closed_time: string | null }[] }>('/v1/evacuations')
          ).data.filter((call) => call.closed_time === null);
          if (calls.length !== 1) return false;
          const roll = await desk.json<Roll>(`/v1/evacuations/${calls[0]!.evacuation_id}`);
          const marked = roll.data.people.filter((person) => person.accounted_time !== null);
          return marked.length === 2 && roll;
        }),
      ),
    );
    for (const roll of shown) {
      // One roll call, under the same number at both desks: the union of both rolls, a real alarm.
      expect(roll.data.evacuation_id).toBe(shown[0]!.data.evacuation_id);
      expect(roll.data.kind).toBe('real');
      const people = new Map(roll.data.people.map((person) => [person.visitor_id, person]));
      expect(people.has(late)).toBe(true);
      expect(people.get(atFront)?.accounted_by).toBe('reception');
      expect(people.get(atSide)?.accounted_by).toBe('reception');
      expect(roll.data.desks.every((desk) => desk.last_heard_time !== null)).toBe(true);
    }
    // Closed at one desk: closed at both.
    await side.json(`/v1/evacuations/${atFrontRoll.data.evacuation_id}/close`, { method: 'POST' });
    await eventually(
      async () =>
        (await front.json<Roll>(`/v1/evacuations/${atSideRoll.data.evacuation_id}`)).data.closed_time !== null,
    );
  }, 90_000);

  it('counts only a desk’s answers as hearing from it: over a link that works one way, it is not shown as recent', async () => {
    interface Heard {
      desk_id: string;
      last_heard_time: string | null;
      pending_from: number;
    }
    const sideId = await side.deskId();
    const onSitePanel = async () =>
      (await front.json<{ data: { desks: Heard[] } }>('/v1/admin/site')).data.desks.find(
        (desk) => desk.desk_id === sideId,
      )!;
    // What a roll call and the top bar show (GET /v1/site).
    const onStatus = async () =>
      (await front.json<{ data: { site: { desks: Heard[] } } }>('/v1/site')).data.site.desks.find(
        (desk) => desk.desk_id === sideId,
      )!;
    // Heard from once, whichever test ran before.
    await eventually(async () => (await onSitePanel()).last_heard_time !== null);
    // The front desk no longer reaches the side door, which still asks the front desk every second.
    await front.reach(side, 'https://127.0.0.1:9');
    // An exchange begun over the old address is over by then.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const late = await side.checkIn('Una Oneway', 61);
    const entered = (
      await side.json<{ data: { visitor_id: string; entry_time: string }[] }>('/v1/log/?limit=100')
    ).data.find((visitor) => visitor.visitor_id === late)!.entry_time;
    // The side door has asked since its check-in: the front desk knows what it lacks...
    const lacking = await eventually(async () => {
      const desk = await onSitePanel();
      return desk.pending_from > 0 && desk;
    });
    // ...and says it last heard from the side door before it, on Administration → Site and on a roll call alike.
    expect((await front.log()).map((visitor) => visitor.visitor_id)).not.toContain(late);
    expect(lacking.last_heard_time).not.toBeNull();
    expect(lacking.last_heard_time! < entered).toBe(true);
    expect((await onStatus()).last_heard_time).toBe(lacking.last_heard_time);

    await front.reach(side, side.server.peerAddress!);
    await eventually(async () => (await front.log()).some((visitor) => visitor.visitor_id === late));
    expect((await onStatus()).last_heard_time! >= entered).toBe(true);
  }, 60_000);

  it('keeps both accounts of one username made at the two desks apart, and the check-ins made with each', async () => {
    await front.reach(side, 'https://127.0.0.1:9');
    await side.reach(front, 'https://127.0.0.1:9');
    const make = (desk: Desk, password: string) =>
      desk.json<{ data: { user_id: number } }>('/v1/admin/users', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'casey', password, role: 'reception' }),
      });
    const atFront = (await make(front, 'casey at the front')).data.user_id;
    const atSide = (await make(side, 'casey at the side')).data.user_id;
    // Casey of the side door checks a visitor in there, before the desks meet.
    const token = await signIn(side.server.url, 'casey', 'casey at the side');
    const body = checkInForm(await makeImage('jpeg', 160, 120, 51), { name: 'Cass Visitor', cardno: '51' });
    const added = await fetch(`${side.server.url}/v1/add/`, {
      method: 'POST',
      body,
      headers: { authorization: `Token ${token}` },
    });
    const { visitor_id } = (await added.json()) as { visitor_id: string };

    await front.reach(side, side.server.peerAddress!);
    await side.reach(front, front.server.peerAddress!);
    const [first, second] = [Math.min(atFront, atSide), Math.max(atFront, atSide)];
    for (const desk of [front, side]) {
      const staff = await eventually(async () => {
        const list = (await desk.json<{ data: { user_id: number; username: string }[] }>('/v1/admin/users')).data;
        return list.filter((account) => account.username.startsWith('casey')).length === 2 && list;
      });
      expect(staff.find((account) => account.user_id === first)?.username).toBe('casey');
      expect(staff.find((account) => account.user_id === second)?.username).toBe(`casey-${second}`);
      await eventually(async () => (await desk.log()).some((visitor) => visitor.visitor_id === visitor_id));
    }
  }, 90_000);

  it('holds the same site at both desks once they have exchanged everything', async () => {
    await eventually(async () => {
      const [a, b] = [dumpDesk(front.dataDir), dumpDesk(side.dataDir)];
      expect(b).toEqual(a);
      return true;
    });
    expect((dumpDesk(front.dataDir).visitors as unknown[]).length).toBeGreaterThan(3);
  }, 60_000);

  it('holds a copy of the other desk’s audit trail, shown with its desk, and verifies every chain', async () => {
    const frontId = await front.deskId();
    const changed = await front.api('/v1/admin/settings', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ badge_size: 'a6' }),
    });
    expect(changed.status).toBe(200);
    interface Page {
      data: { desk_id: string; audit_id: number; action: string; time: string }[];
      next_cursor: string | null;
    }
    const entry = await eventually(async () => {
      const page = await side.json<Page>('/v1/admin/audit?action=settings.update');
      return page.data.find((found) => found.desk_id === frontId) ?? false;
    });
    expect(entry.action).toBe('settings.update');
    // The site's whole trail, page by page, newest first, each entry once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await side.json<Page>(`/v1/admin/audit?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.data.map((found) => `${found.desk_id} ${found.time} ${found.audit_id}`));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.some((line) => line.startsWith(frontId))).toBe(true);
    const times = seen.map((line) => line.slice(33, 52));
    expect([...times].sort().reverse()).toEqual(times);
    expect(new Set(seen).size).toBe(seen.length);
    const verified = await cli('audit', 'verify', '--data-dir', side.dataDir);
    expect(verified).toMatch(/The audit trail is whole/);
    expect(verified).toMatch(new RegExp(`The copy of .* ${frontId}'s trail is whole: \\d+ entries`));
  }, 60_000);

  it('lists the site’s desks with when each was last heard from, and nothing pending once they have exchanged all', async () => {
    interface SiteData {
      data: {
        desk_id: string;
        desks: {
          desk_id: string;
          name: string;
          last_heard_time: string | null;
          pending_to: number;
          pending_from: number;
        }[];
      };
    }
    const site = await eventually(async () => {
      const found = await front.json<SiteData>('/v1/admin/site');
      const other = found.data.desks.find((desk) => desk.desk_id !== found.data.desk_id)!;
      return other.last_heard_time !== null && other.pending_to === 0 && other.pending_from === 0 && found;
    });
    expect(site.data.desks.map((desk) => desk.name)).toContain('Side door');
  }, 60_000);

  it('answers nothing on the peer listener to a caller without a desk’s certificate, nor the staff API', async () => {
    const call = (path: string) =>
      new Promise<number>((resolve, reject) => {
        https
          .get(`${front.server.peerAddress}${path}`, { rejectUnauthorized: false }, (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          })
          .on('error', reject);
      });
    expect(await call('/peer/v1/photos/aaaaaaaaaaaaaaaaaaaaaa/thumb')).toBe(403);
    // The staff API is not on this listener: refused like anything without a peer route's say-so.
    expect(await call('/v1/get/')).toBe(403);
  });

  it('refuses a wrong code, a used one, and a desk that is not the one that made the code', async () => {
    const fresh = tempDataDir();
    const join = (code: string, peer = front.server.peerAddress!) =>
      cli('site', 'join', '--peer', peer, '--code', code, '--name', 'Intruder', '--data-dir', fresh);
    await expect(join('0000-0000-0000-0000-0000-0000-0000-0000')).rejects.toThrow(/not the desk that made this code/);

    const code = (await cli('site', 'invite', '--data-dir', front.dataDir)).trim().split('\n').at(-1)!;
    // Another site's desk in the middle, with the code of this one: it presents another certificate.
    const otherDir = tempDataDir();
    await cli('site', 'create', '--name', 'Elsewhere', '--data-dir', otherDir);
    const other = await spawnServer(otherDir, { peerPort: 0 });
    try {
      await expect(join(code, other.peerAddress)).rejects.toThrow(/not the desk that made this code/);
    } finally {
      await stopServer(other);
    }
    // A code with the right fingerprint but a wrong secret (the throttle: test/site/join-code.test.ts).
    const wrong = `0000-0000-0000-0000${code.slice(19)}`;
    await expect(join(wrong)).rejects.toThrow(/wrong, used or expired|Too many wrong join codes/);
    // The right code joins once (after the pause a wrong code costs); a second desk with it is refused.
    await eventually(() => join(code));
    const again = tempDataDir();
    await expect(
      cli('site', 'join', '--peer', front.server.peerAddress!, '--code', code, '--name', 'Again', '--data-dir', again),
    ).rejects.toThrow(/wrong, used or expired/);
    expect(dumpDesk(fresh).accounts).toEqual(dumpDesk(front.dataDir).accounts);
  }, 60_000);

  it('revokes a desk: from then on it is sent nothing and nothing it sends is taken', async () => {
    const site = await front.json<{ data: { desk_id: string; desks: { desk_id: string; name: string }[] } }>(
      '/v1/admin/site',
    );
    const sideId = site.data.desks.find((desk) => desk.name === 'Side door')!.desk_id;
    const revoked = await front.json<{ data: { desks: { desk_id: string; revoked: boolean }[] } }>(
      `/v1/admin/site/desks/${sideId}/revoke`,
      { method: 'POST' },
    );
    expect(revoked.data.desks.find((desk) => desk.desk_id === sideId)?.revoked).toBe(true);
    const fromFront = await front.checkIn('After Revoke', 21);
    const fromSide = await side.checkIn('Revoked Desk', 22);
    // Both desks keep asking every second: a few rounds, and neither has the other's.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await side.log()).some((visitor) => visitor.visitor_id === fromFront)).toBe(false);
    expect((await front.log()).some((visitor) => visitor.visitor_id === fromSide)).toBe(false);
  }, 60_000);
});
