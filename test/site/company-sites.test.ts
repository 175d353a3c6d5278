import { parse } from 'csv-parse/sync';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openContext } from '../../src/server/context';
import { companySites } from '../../src/server/company/company-sites';
import { fingerprintOf, newDeskCredentials } from '../../src/server/site/desk-certificate';
import type { CompanySite } from '../../src/shared/site';
import { cli, dumpDesk, eventually, Desk } from '../helpers/desks';
import { openStream } from '../helpers/event-stream';
import { describeWithPostgres, usePostgresCluster } from '../helpers/postgres';
import { freePort, signIn, STAFF, tempDataDir } from '../helpers/server';
import { spawnServer, stopServer, type ServerProcess } from '../reliability/server-process';

/**
 * A company server holding two sites, each with a desk of its own joined to it over the
 * peer protocol (API contract Part 6, Sites): each site's changes reach the company server,
 * and no desk receives another site's.
 */
describeWithPostgres('sites on a company server', () => {
  const cluster = usePostgresCluster();
  const photos = tempDataDir();
  const folders: string[] = [photos];
  let database: string;
  let company: ServerProcess | undefined;
  const desks: Desk[] = [];
  const siteIds: Record<'north' | 'south', string> = { north: '', south: '' };

  const onCompany = (...args: string[]) => cli(...args, '--database', database, '--photos', photos);
  const lastLine = (printed: string): string => printed.trim().split('\n').at(-1)!;

  /** The company server's admin token. */
  const headOffice = (): Promise<string> => signIn(company!.url, STAFF.username, STAFF.password);

  /** A staff account of a site, made at head office (POST /v1/admin/users with site_id). */
  const addSiteAccount = async (siteId: string, username: string): Promise<Response> =>
    fetch(`${company!.url}/v1/admin/users`, {
      method: 'POST',
      headers: { authorization: `Token ${await headOffice()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: STAFF.password, role: 'admin', site_id: siteId }),
    });

  /** A new desk joined to a site of the company server; it signs in with the site's account. */
  async function deskOf(siteId: string, name: string, username: string): Promise<Desk> {
    const code = lastLine(await onCompany('site', 'invite', '--site', siteId));
    const dataDir = tempDataDir();
    folders.push(dataDir);
    await cli('site', 'join', '--peer', company!.peerAddress!, '--code', code, '--name', name, '--data-dir', dataDir);
    const desk = new Desk(dataDir, await spawnServer(dataDir, { peerPort: 0 }));
    desk.token = await signIn(desk.server.url, username, STAFF.password);
    desks.push(desk);
    return desk;
  }

  const sites = async (): Promise<CompanySite[]> => {
    const answer = await fetch(`${company!.url}/v1/sites`, {
      headers: { authorization: `Token ${await headOffice()}` },
    });
    expect(answer.status).toBe(200);
    return ((await answer.json()) as { data: CompanySite[] }).data;
  };

  beforeAll(async () => {
    database = await cluster().createDatabase('company');
    const setup = await openContext({ dataDir: photos, database });
    await setup.auth.createFirstUser(STAFF.username, STAFF.password);
    setup.close();
    siteIds.north = lastLine(await onCompany('site', 'create', '--name', 'North campus'));
    siteIds.south = lastLine(await onCompany('site', 'create', '--name', 'South campus'));
    company = await spawnServer({ dataDir: photos, database }, { peerPort: 0 });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...desks.map((desk) => desk.server), ...(company ? [company] : [])].map(stopServer));
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  });

  it('makes a new site each time `site create` is run, its ID the last line', async () => {
    expect(siteIds.north).toMatch(/^[0-9a-f]{32}$/);
    expect(siteIds.south).toMatch(/^[0-9a-f]{32}$/);
    expect(siteIds.north).not.toBe(siteIds.south);
    expect((await sites()).map((site) => [site.site_id, site.name, site.on_premises, site.desks])).toEqual([
      [siteIds.north, 'North campus', 0, []],
      [siteIds.south, 'South campus', 0, []],
    ]);
  });

  it('refuses an invitation for a site it does not hold, and one without --site', async () => {
    await expect(onCompany('site', 'invite', '--site', 'f'.repeat(32))).rejects.toThrow(/There is no site f{32}/);
    await expect(onCompany('site', 'invite')).rejects.toThrow(/--site goes with --database/);
  });

  it("makes a site's first account at head office, which its desks sign in with; no site, no account", async () => {
    expect((await addSiteAccount(siteIds.north, 'nora')).status).toBe(201);
    expect((await addSiteAccount(siteIds.south, 'sam')).status).toBe(201);
    const unknown = await addSiteAccount('0'.repeat(32), 'nobody');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { errors: { code: string } }).errors.code).toBe('3404');
    // A company-wide account is not a site's: it does not sign in at a site's desk, nor the other way.
    await expect(signIn(company!.url, 'nora', STAFF.password)).rejects.toThrow();
  });

  it("holds each site's check-ins within seconds, and no desk receives another site's", async () => {
    const north = await deskOf(siteIds.north, 'North door', 'nora');
    // A second desk of the same site at once: recognised on its first request.
    const northSide = await deskOf(siteIds.north, 'North side', 'nora');
    const south = await deskOf(siteIds.south, 'South door', 'sam');
    await expect(signIn(north.server.url, STAFF.username, STAFF.password)).rejects.toThrow();
    await expect(signIn(north.server.url, 'sam', STAFF.password)).rejects.toThrow();
    // A desk holds one site: an account "for another site" is refused there.
    const misplaced = await north.api('/v1/admin/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'olga', password: STAFF.password, site_id: siteIds.south }),
    });
    expect(misplaced.status).toBe(400);
    // Head office's live updates carry the sites' changes, each saying its site.
    const headOfficeToken = await headOffice();
    const stream = await openStream({ url: company!.url, token: headOfficeToken });
    const visitorId = await north.checkIn('Nina North', 7);
    const arrival = await stream.next((event) => event.type === 'visitor.checkin' && event.visitor_id === visitorId);
    stream.close();
    if (arrival.type !== 'visitor.checkin') throw new Error('not a check-in');
    expect(arrival.site_id).toBe(siteIds.north);
    expect(arrival.visitor).toMatchObject({ name: 'Nina North', site_id: siteIds.north, has_photo: true });
    // Its thumbnail, signed for this stream's token, is served by the company server.
    const thumb = await fetch(new URL(arrival.visitor.thumb_url!, company!.url));
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');

    const listed = await eventually(async () => {
      const all = await sites();
      const northSite = all.find((site) => site.site_id === siteIds.north)!;
      return northSite.on_premises === 1 && northSite.desks[0]?.last_heard_time ? all : false;
    });
    expect(listed.map((site) => [site.name, site.on_premises, site.desks.map((desk) => desk.name)])).toEqual([
      ['North campus', 1, ['North door', 'North side']],
      ['South campus', 0, ['South door']],
    ]);
    await eventually(async () => (await northSide.log()).some((visitor) => visitor.visitor_id === visitorId));
    expect(listed.every((site) => site.open_evacuation_id === null)).toBe(true);

    // On the company server: in the north site's store, its photo in the north site's folder.
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    try {
      const rows = await client.query(`SELECT name FROM site_${siteIds.north}.visitors WHERE visitor_id = $1`, [
        visitorId,
      ]);
      expect(rows.rows).toEqual([{ name: 'Nina North' }]);
      expect((await client.query(`SELECT count(*)::int AS n FROM site_${siteIds.south}.visitors`)).rows).toEqual([
        { n: 0 },
      ]);
    } finally {
      await client.end();
    }
    await eventually(async () =>
      fs.existsSync(path.join(photos, 'sites', siteIds.north, 'photos', 'thumbs', visitorId.slice(0, 2))),
    );

    // The south desk holds its own site whole and nothing of the north's: not its visitor,
    // not its desks, not its accounts.
    await eventually(async () => (await south.log()).length === 0 && (await north.log()).length === 1);
    const held = dumpDesk(south.dataDir) as {
      site: { name: string }[];
      desks: { name: string }[];
      visitors: unknown[];
    };
    expect(held.site.map((site) => site.name)).toEqual(['South campus']);
    // The company server is known to each site by a key of its own.
    const companyDesk = (dump: Record<string, unknown>) =>
      (dump as { desks: { name: string; fingerprint: string }[] }).desks.find(
        (desk) => desk.name === 'Company server',
      )!;
    expect(companyDesk(held).fingerprint).not.toBe(companyDesk(dumpDesk(north.dataDir)).fingerprint);
    expect(held.desks.map((desk) => desk.name).sort()).toEqual(['Company server', 'South door']);
    expect(held.visitors).toEqual([]);
  }, 120_000);

  it('shows an open roll call at a site', async () => {
    const [north] = desks;
    const started = await north!.json<{ data: { evacuation_id: number } }>('/v1/evacuations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'drill' }),
    });
    const listed = await eventually(async () => {
      const northSite = (await sites()).find((site) => site.site_id === siteIds.north)!;
      return northSite.open_evacuation_id !== null ? northSite : false;
    });
    expect(listed.open_evacuation_id).toBe(started.data.evacuation_id);
  }, 60_000);

  it('answers for one site with site_id and for every site without it: log, on the premises, rolls, trail, photos', async () => {
    const [north, , south] = desks as [Desk, Desk, Desk];
    const token = await headOffice();
    const get = async <T>(pathname: string): Promise<T> => {
      const answer = await fetch(`${company!.url}${pathname}`, { headers: { authorization: `Token ${token}` } });
      if (answer.status !== 200) throw new Error(`${pathname} answered ${answer.status}: ${await answer.text()}`);
      return (await answer.json()) as T;
    };
    const ids = [
      await north.checkIn('Noah North', 8),
      await south.checkIn('Sara South', 9),
      await north.checkIn('Nils North', 10),
      await south.checkIn('Sven South', 11),
    ];
    type Listed = { visitor_id: string; name: string; entry_time: string; site_id: string | null; thumb_url?: string };
    type Page = { data: Listed[]; next_cursor: string | null; prev_cursor: string | null };
    await eventually(async () => {
      const all = (await get<{ data: Listed[] }>('/v1/get')).data;
      return ids.every((id) => all.some((visitor) => visitor.visitor_id === id));
    });

    // One site's log, each visitor saying its site.
    const northLog = await get<Page>(`/v1/log/?site_id=${siteIds.north}`);
    expect(northLog.data.map((visitor) => visitor.name).sort()).toEqual(['Nils North', 'Nina North', 'Noah North']);
    expect(new Set(northLog.data.map((visitor) => visitor.site_id))).toEqual(new Set([siteIds.north]));

    // Every site's, merged, two at a time: each visitor once, newest entry first.
    const seen: Listed[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await get<Page>(`/v1/log/?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.data.length).toBeLessThanOrEqual(2);
      expect(page.prev_cursor).toBeNull();
      seen.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.map((visitor) => visitor.name).sort()).toEqual([
      'Nils North',
      'Nina North',
      'Noah North',
      'Sara South',
      'Sven South',
    ]);
    const times = seen.map((visitor) => visitor.entry_time);
    expect(times).toEqual([...times].sort().reverse());
    expect(seen.find((visitor) => visitor.name === 'Sara South')?.site_id).toBe(siteIds.south);

    // The CSV export: every store's rows merged by entry time, each naming its site; one site's
    // with site_id; head office's export on the trail of each site it read.
    const exported = async (query: string): Promise<Record<string, string>[]> => {
      const answer = await fetch(`${company!.url}/v1/log/export.csv${query}`, {
        headers: { authorization: `Token ${token}` },
      });
      expect(answer.status).toBe(200);
      return parse<Record<string, string>>(await answer.text(), { columns: true });
    };
    const everySite = await exported('');
    // Newest entry first, to the millisecond, across the sites.
    expect(everySite.map((row) => [row.name, row.site])).toEqual([
      ['Sven South', 'South campus'],
      ['Nils North', 'North campus'],
      ['Sara South', 'South campus'],
      ['Noah North', 'North campus'],
      ['Nina North', 'North campus'],
    ]);
    expect((await exported(`?site_id=${siteIds.south}&q=sven`)).map((row) => [row.name, row.site])).toEqual([
      ['Sven South', 'South campus'],
    ]);
    const exportsAt = async (siteId: string) =>
      (
        await get<{ data: { action: string; detail: string; user_id: number | null }[] }>(
          `/v1/admin/audit?site_id=${siteId}&action=log.export&limit=200`,
        )
      ).data;
    expect((await exportsAt(siteIds.north)).map((entry) => [entry.detail, entry.user_id])).toEqual([
      [`head office (${STAFF.username}): from the start to today`, null],
    ]);
    expect((await exportsAt(siteIds.south)).map((entry) => entry.detail)).toEqual([
      `head office (${STAFF.username}): from the start to today, with a search`,
      `head office (${STAFF.username}): from the start to today`,
    ]);
    // At a desk, site_id is refused as on every list.
    expect((await north.api(`/v1/log/export.csv?site_id=${siteIds.north}`)).status).toBe(400);

    // Whoever is on the premises anywhere, oldest first; one of them by ID without naming the site.
    const onPremises = (await get<{ data: Listed[] }>('/v1/get')).data;
    expect(onPremises.map((visitor) => visitor.name)).toHaveLength(5);
    const one = await get<{ data: Listed[] }>(`/v1/get/${ids[1]}`);
    expect(one.data.map((visitor) => [visitor.name, visitor.site_id])).toEqual([['Sara South', siteIds.south]]);

    // A site's face at head office: its thumbnail by the signed URL, the full photo audited at the site.
    const sara = seen.find((visitor) => visitor.name === 'Sara South')!;
    const thumb = await fetch(`${company!.url}${sara.thumb_url!}`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    const full = await fetch(`${company!.url}/v1/photo/${sara.visitor_id}`, {
      headers: { authorization: `Token ${token}` },
    });
    expect(full.status).toBe(200);

    // Roll calls of every site; one site's roll by its own ID.
    const rolls = (await get<{ data: { evacuation_id: number; site_id: string | null }[] }>('/v1/evacuations')).data;
    const northRoll = rolls.find((roll) => roll.site_id === siteIds.north)!;
    expect(northRoll).toBeDefined();
    const roll = await get<{ data: { site_id: string; people: { visitor_id: string }[] } }>(
      `/v1/evacuations/${northRoll.evacuation_id}?site_id=${siteIds.north}`,
    );
    expect(roll.data.site_id).toBe(siteIds.north);

    // The trails: one site's has head office's full view of its visitor; every site's, merged, a page at a time.
    type Entry = {
      action: string;
      detail: string;
      visitor_id: string | null;
      time: string;
      site_id: string | null;
      desk_id: string;
      audit_id: number;
      user_id: number | null;
      username: string | null;
    };
    const southTrail = await get<{ data: Entry[] }>(`/v1/admin/audit?site_id=${siteIds.south}&limit=200`);
    await eventually(async () =>
      (await get<{ data: Entry[] }>(`/v1/admin/audit?site_id=${siteIds.south}&limit=200`)).data.some(
        (entry) => entry.action === 'photo.view' && entry.visitor_id === sara.visitor_id,
      ),
    );
    expect(southTrail.data.every((entry) => entry.site_id === siteIds.south)).toBe(true);
    const entries: Entry[] = [];
    let auditCursor: string | null = null;
    do {
      const page: { data: Entry[]; next_cursor: string | null } = await get(
        `/v1/admin/audit?limit=7${auditCursor ? `&cursor=${auditCursor}` : ''}`,
      );
      entries.push(...page.data);
      auditCursor = page.next_cursor;
    } while (auditCursor);
    // Each entry once (trails copied from the desks may arrive meanwhile: they are older than the cursor or newer).
    const keys = entries.map((entry) => `${entry.desk_id}.${entry.audit_id}`);
    expect(new Set(keys).size).toBe(keys.length);
    const entryTimes = entries.map((entry) => entry.time);
    expect(entryTimes).toEqual([...entryTimes].sort().reverse());
    expect(new Set(entries.map((entry) => entry.site_id))).toEqual(new Set([null, siteIds.north, siteIds.south]));
    // An account's number is its store's: without site_id, a company account's entries only.
    const mine = entries.find((entry) => entry.site_id === null && entry.username === STAFF.username)!;
    const byAccount = await get<{ data: Entry[] }>(`/v1/admin/audit?account=${mine.user_id}&limit=200`);
    expect(byAccount.data.length).toBeGreaterThan(0);
    expect(byAccount.data.every((entry) => entry.site_id === null && entry.username === STAFF.username)).toBe(true);

    // Refused: a site this server does not hold, and site_id at a desk.
    const unknown = await fetch(`${company!.url}/v1/log/?site_id=${'0'.repeat(32)}`, {
      headers: { authorization: `Token ${token}` },
    });
    expect(unknown.status).toBe(404);
    expect((await north.api(`/v1/log/?site_id=${siteIds.north}`)).status).toBe(400);
  }, 120_000);

  it("never hands one site's data to another through a desk record that names another site's desk", async () => {
    const [north, , south] = desks as [Desk, Desk, Desk];
    const secret = await south.checkIn('Sofia Secret-South', 21);
    // What a hostile desk of the north site could make its site hold: a "desk" with the south
    // desk's certificate and address, which the company server's north store then asks.
    const southCertificate = fs.readFileSync(path.join(south.dataDir, 'peer', 'desk-certificate.pem'), 'utf8');
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO site_${siteIds.north}.desks (desk_id, name, fingerprint, certificate, address)
         VALUES ($1, 'Impostor', $2, $3, $4)`,
        ['ab'.repeat(16), fingerprintOf(southCertificate), southCertificate, south.server.peerAddress],
      );
      // The south desk is asked with the north store's key, which it does not know: it refuses.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      const leaked = await client.query(`SELECT name FROM site_${siteIds.north}.visitors WHERE visitor_id = $1`, [
        secret,
      ]);
      expect(leaked.rows).toEqual([]);
      const impostor = await client.query(`SELECT last_heard_at FROM site_${siteIds.north}.desks WHERE desk_id = $1`, [
        'ab'.repeat(16),
      ]);
      expect(impostor.rows).toEqual([{ last_heard_at: null }]);
    } finally {
      await client.end();
    }
    expect((await north.log()).some((visitor) => visitor.visitor_id === secret)).toBe(false);
  }, 60_000);

  it('refuses to make its own store the desk of a site: its sites are made with site create', async () => {
    const answer = await fetch(`${company!.url}/v1/admin/site`, {
      method: 'POST',
      headers: { authorization: `Token ${await headOffice()}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Shadow',
        desk_name: 'Shadow desk',
        listen: { host: '127.0.0.1', port: await freePort() },
      }),
    });
    expect(answer.status).toBe(409);
    expect(((await answer.json()) as { errors: { message: string } }).errors.message).toMatch(/company server/);
  });

  it('runs as two instances on one database: both ask the desks, each change is held once', async () => {
    const second = await spawnServer({ dataDir: photos, database }, { peerPort: 0 });
    try {
      const [north] = desks as [Desk];
      const before = (await sites()).find((site) => site.site_id === siteIds.north)!.on_premises;
      const token = await signIn(second.url, STAFF.username, STAFF.password);
      // Both instances ask the desks, so either may take a change in; each one's live updates
      // tell of it, by the change itself or, when the other took it, by `log.changed` for its site.
      const streams = await Promise.all([
        openStream({ url: company!.url, token: await headOffice() }),
        openStream({ url: second.url, token }),
      ]);
      /** Waits for 6 s in which neither stream is told anything: "last heard" is written every 5 s. */
      const quiet = () =>
        eventually(async () => {
          const counts = streams.map((stream) => stream.received.length);
          await new Promise((resolve) => setTimeout(resolve, 6_000));
          return streams.every((stream, i) => stream.received.length === counts[i]);
        }, 40_000);
      // Rounds of both asking, and nothing to show: once what the second's start wrote (where it
      // listens, trail entries) is told, neither tells of the other's bookkeeping.
      await quiet();
      const added = await Promise.all([north.checkIn('Tia Twice', 31), north.checkIn('Uma Twice', 32)]);
      for (const stream of streams) {
        for (const visitorId of added) {
          await stream.next(
            (event) =>
              event.site_id === siteIds.north &&
              (event.type === 'log.changed' || (event.type === 'visitor.checkin' && event.visitor_id === visitorId)),
          );
        }
      }
      // Once both hold everything, their exchanges go on every second and neither tells of them:
      // not of the other's "last heard", nor its own changes again; for 20 s after a quiet spell.
      await quiet();
      const counts = streams.map((stream) => stream.received.length);
      await new Promise((resolve) => setTimeout(resolve, 20_000));
      expect(streams.map((stream, i) => stream.received.slice(counts[i]))).toEqual([[], []]);
      for (const stream of streams) stream.close();
      const seenBySecond = await eventually(async () => {
        const answer = await fetch(`${second.url}/v1/sites`, { headers: { authorization: `Token ${token}` } });
        const north = ((await answer.json()) as { data: CompanySite[] }).data.find(
          (site) => site.site_id === siteIds.north,
        )!;
        return north.on_premises === before + 2 ? north : false;
      });
      expect(seenBySecond.desks.find((desk) => desk.name === 'North door')?.last_heard_time).not.toBeNull();
      const client = new pg.Client({ connectionString: database });
      await client.connect();
      try {
        const rows = await client.query(
          `SELECT visitor_id FROM site_${siteIds.north}.visitors WHERE visitor_id = ANY($1) ORDER BY visitor_id`,
          [added],
        );
        expect(rows.rows.map((row: { visitor_id: string }) => row.visitor_id)).toEqual([...added].sort());
      } finally {
        await client.end();
      }
      // A few rounds of both asking: the trails they copied stay whole (checked by the next test).
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    } finally {
      await stopServer(second);
    }
  }, 120_000);

  it('pauses join codes after a wrong one at every instance, not only the one that was asked', async () => {
    // Two instances on the one database, each in its own pool, on one clock held still.
    const at = Date.now();
    const instances = await Promise.all(
      [0, 1].map(async () => {
        const ctx = await openContext({ dataDir: photos, database, now: () => at, sweepInterrupted: false });
        const held = companySites(ctx, { now: () => at, sweepInterrupted: false });
        await held.load();
        return { ctx, held };
      }),
    );
    try {
      const [first, second] = instances.map(({ held }) => held.site(siteIds.south).site);
      const { code } = await instances[0]!.held.invite(siteIds.south);
      // The same code with another secret: a guess.
      const guess = (code[0] === 'A' ? 'B' : 'A') + code.slice(1);
      const credentials = await newDeskCredentials('e'.repeat(32));
      const desk = { desk_id: 'e'.repeat(32), name: 'Guesser', certificate: credentials.certificate, address: null };
      expect(() => first!.acceptJoin(guess, desk)).toThrow(/wrong, used or expired/);
      // The other instance pauses too, even for the right code.
      expect(() => second!.acceptJoin(code, desk)).toThrow(/Too many wrong join codes/);
    } finally {
      for (const { ctx, held } of instances) {
        await held.close();
        ctx.close();
      }
    }
  });

  it("checks every site's trails with audit verify, and finds one whose triggers were switched off", async () => {
    const whole = await onCompany('audit', 'verify');
    expect(whole).toContain('The audit trail is whole');
    expect(whole).toContain(`Site North campus (${siteIds.north}): The audit trail is whole`);
    expect(whole).toContain(`Site South campus (${siteIds.south}): The audit trail is whole`);
    // Each site holds copies of its desks' trails, checked like a desk's.
    expect(whole).toMatch(/Site South campus \([0-9a-f]{32}\): The copy of South door [0-9a-f]{32}'s trail is whole/);
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    try {
      await client.query(`ALTER TABLE site_${siteIds.south}.audit_log DISABLE TRIGGER audit_log_append_only`);
      const broken = await onCompany('audit', 'verify').then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(broken?.code).toBe(3);
      expect(broken?.stderr).toContain(`Site South campus (${siteIds.south}): The audit trail is broken`);
    } finally {
      await client.query(`ALTER TABLE site_${siteIds.south}.audit_log ENABLE TRIGGER audit_log_append_only`);
      await client.end();
    }
  }, 120_000);

  it('keeps running while PostgreSQL is down, answering 5501, and serves again when it is back', async () => {
    // A stream open throughout: its looks for other writers' changes fail while the database is down.
    const stream = await openStream({ url: company!.url, token: await headOffice() });
    await cluster().stop();
    try {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(company!.child.exitCode).toBeNull();
      const down = await fetch(`${company!.url}/v1/oauth/`, {
        method: 'POST',
        body: new URLSearchParams({ username: STAFF.username, password: STAFF.password }),
      });
      expect(((await down.json()) as { errors: { code: string } }).errors.code).toBe('5501');
    } finally {
      await cluster().start();
    }
    expect(await eventually(async () => (await sites()).length)).toBe(2);
    expect(company!.child.exitCode).toBeNull();
    stream.close();
  }, 90_000);
});
