import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openContext } from '../../src/server/context';
import type { CompanySite } from '../../src/shared/site';
import { cli, dumpDesk, eventually, Desk } from '../helpers/desks';
import { describeWithPostgres, usePostgresCluster } from '../helpers/postgres';
import { signIn, STAFF, tempDataDir } from '../helpers/server';
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
    const visitorId = await north.checkIn('Nina North', 7);

    const listed = await eventually(async () => {
      const all = await sites();
      const northSite = all.find((site) => site.site_id === siteIds.north)!;
      return northSite.on_premises === 1 && northSite.desks[0]?.last_heard_time ? all : false;
    });
    expect(listed.map((site) => [site.name, site.on_premises, site.desks.map((desk) => desk.name)])).toEqual([
      ['North campus', 1, ['North door']],
      ['South campus', 0, ['South door']],
    ]);
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
});
