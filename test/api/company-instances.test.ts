import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRITE_LOCK } from '../../src/server/db/postgres/pg-database';
import type { Visitor } from '../../src/shared/api-types';
import { openStream } from '../helpers/event-stream';
import { makeImage } from '../helpers/images';
import {
  checkInForm,
  errorCode,
  jsonRequest,
  signIn,
  STAFF,
  startTestServer,
  type TestServer,
} from '../helpers/server';
import { LoadBalancer } from '../helpers/load-balancer';
import { rawRequest } from '../helpers/raw-http';
import { describeOnCompanyServer } from '../helpers/store';

/**
 * Two instances of a company server on one database and one photo folder behave as one
 * (API contract Part 6): what one writes, the other answers with and tells its screens of;
 * an ended session or account ends on both.
 */
describeOnCompanyServer('two instances of a company server', () => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    first = await startTestServer();
    second = await startTestServer({ dataDir: first.dataDir, database: first.database! });
  });
  afterAll(async () => {
    await second.close();
    await first.stop();
  });

  const log = async (server: TestServer, token = server.token): Promise<Visitor[]> =>
    ((await (await server.api('/v1/log/?limit=50', { auth: token })).json()) as { data: Visitor[] }).data;

  it("answers with the other's check-in and tells its events stream", async () => {
    const stream = await openStream(second);
    const added = await first.api('/v1/add/', {
      method: 'POST',
      body: checkInForm(await makeImage('jpeg', 320, 240), { name: 'Instance Visitor' }),
    });
    expect(added.status).toBe(200);
    const { visitor_id } = (await added.json()) as { visitor_id: string };
    expect((await log(second)).map((visitor) => visitor.visitor_id)).toContain(visitor_id);
    // Heard by polling the counter every write moves: within the contract's 2 seconds.
    expect(await stream.next((event) => event.type === 'log.changed')).toEqual({ type: 'log.changed' });
    stream.close();
    const photo = await second.api(`/v1/photo/thumb/${visitor_id}`);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
  });

  it("accepts the other's signed thumbnail URLs, and refuses them once the token is revoked", async () => {
    const token = await signIn(first.url, STAFF.username, STAFF.password);
    const listed = (await log(first, token)).find((visitor) => visitor.thumb_url);
    expect(listed?.thumb_url).toBeDefined();
    const url = `${second.url}${listed!.thumb_url!}`;
    const photo = await fetch(url);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    // A forged signature with the same key ID is not.
    expect(await errorCode(await fetch(url.replace(/s=[\w-]{2}/, 's=AA')))).toBe('1403');
    expect((await second.api('/v1/oauth/revoke', { method: 'POST', auth: token })).status).toBe(200);
    expect(await errorCode(await fetch(`${first.url}${listed!.thumb_url!}`))).toBe('1403');
  });

  it('counts failed sign-ins on both together', async () => {
    const wrong = (server: TestServer) =>
      fetch(`${server.url}/v1/oauth/`, {
        method: 'POST',
        body: new URLSearchParams({ username: 'guessed-at', password: 'not the password' }),
      });
    // The free failures, all at the first instance.
    for (let i = 0; i < 5; i++) expect((await wrong(first)).status).toBe(401);
    // The second refuses before its own five: each wait doubles (1 s, 2 s, 4 s), and three
    // tries cannot all come after theirs ended.
    const statuses: number[] = [];
    for (let i = 0; i < 3 && !statuses.includes(429); i++) statuses.push((await wrong(second)).status);
    expect(statuses).toContain(429);
  });

  it('counts a failed sign-in without waiting for the write lock another instance holds', async () => {
    const other = new pg.Client({ connectionString: first.database! });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
      const wrong = await fetch(`${second.url}/v1/oauth/`, {
        method: 'POST',
        body: new URLSearchParams({ username: 'while-locked', password: 'not the password' }),
      });
      // Not 503 (5501) after the lock wait gives up: the throttle's rows are its own.
      expect(wrong.status).toBe(401);
      const counted = await other.query("SELECT failures FROM sign_in_attempts WHERE key = 'while-locked'");
      expect(counted.rows).toEqual([{ failures: '1' }]);
    } finally {
      await other.query('ROLLBACK');
      await other.end();
    }
  });

  it('ends a revoked token, a changed password and a deactivated account on both at once', async () => {
    const token = await signIn(first.url, STAFF.username, STAFF.password);
    expect((await second.api('/v1/log/', { auth: token })).status).toBe(200);
    expect((await first.api('/v1/oauth/revoke', { method: 'POST', auth: token })).status).toBe(200);
    expect(await errorCode(await second.api('/v1/log/', { auth: token }))).toBe('1403');

    const created = await first.api(
      '/v1/admin/users',
      jsonRequest('POST', { username: 'night-guard', password: 'a night guard password', role: 'reception' }),
    );
    const { user_id } = ((await created.json()) as { data: { user_id: number } }).data;
    const before = await signIn(second.url, 'night-guard', 'a night guard password');
    expect((await first.api('/v1/log/', { auth: before })).status).toBe(200);
    const reset = jsonRequest('PATCH', { password: 'a new night guard password' });
    expect((await second.api(`/v1/admin/users/${user_id}`, reset)).status).toBe(200);
    expect(await errorCode(await first.api('/v1/log/', { auth: before }))).toBe('1403');

    const guard = await signIn(first.url, 'night-guard', 'a new night guard password');
    expect((await second.api('/v1/log/', { auth: guard })).status).toBe(200);
    expect((await second.api(`/v1/admin/users/${user_id}`, jsonRequest('PATCH', { active: false }))).status).toBe(200);
    expect(await errorCode(await first.api('/v1/log/', { auth: guard }))).toBe('1403');
  });

  describe('behind one address', () => {
    const balancer = new LoadBalancer();
    let front: string;
    let instances: TestServer[] = [];
    beforeAll(async () => {
      front = await balancer.start();
      // Two more instances on the same store, reached through the balancer's address.
      const options = { dataDir: first.dataDir, database: first.database!, publicUrls: [front] };
      instances = [await startTestServer(options), await startTestServer(options)];
      balancer.targets = instances.map((instance) => ({ host: '127.0.0.1', port: instance.port }));
    });
    afterAll(async () => {
      await balancer.close();
      for (const instance of instances) await instance.close();
    });

    /** A request of its own connection each: the balancer sends the next to the other instance. */
    const through = (pathname: string, init: RequestInit = {}) =>
      fetch(`${front}${pathname}`, { ...init, headers: { ...init.headers, connection: 'close' } });

    it('signs in, checks in and serves the log and thumbnails whichever instance answers', async () => {
      const signedIn = await through('/v1/oauth/', {
        method: 'POST',
        headers: { origin: front, 'sec-fetch-site': 'same-origin' },
        body: new URLSearchParams(STAFF),
      });
      expect(signedIn.status).toBe(200);
      const { access_token: token } = ((await signedIn.json()) as { data: { access_token: string } }).data;
      const auth = { authorization: `Token ${token}` };
      const added = await through('/v1/add/', {
        method: 'POST',
        headers: { ...auth, origin: front },
        body: checkInForm(await makeImage('jpeg', 320, 240), { name: 'Balanced Visitor' }),
      });
      expect(added.status).toBe(200);
      const { visitor_id } = (await added.json()) as { visitor_id: string };
      for (let i = 0; i < 2; i++) {
        const page = (await (await through('/v1/log/?limit=5', { headers: auth })).json()) as { data: Visitor[] };
        const listed = page.data.find((visitor) => visitor.visitor_id === visitor_id);
        expect(listed?.thumb_url).toBeDefined();
        expect((await through(listed!.thumb_url!)).status).toBe(200);
      }
      expect(new Set(balancer.sentTo)).toEqual(new Set([0, 1]));
    });

    it('refuses another host name and another site, and its own name over another scheme', async () => {
      const port = Number(new URL(front).port);
      for (const host of ['frontdesk.evil.example', `localhost:${port}`]) {
        const wrongHost = await rawRequest(port, 'GET', '/v1/log/', { host, authorization: `Token ${first.token}` });
        expect([host, wrongHost.status]).toEqual([host, 421]);
      }
      const ownName = await rawRequest(port, 'GET', '/v1/log/', { authorization: `Token ${first.token}` });
      expect(ownName.status).toBe(200);
      for (const origin of ['https://evil.example', front.replace('http:', 'https:')]) {
        const response = await through('/v1/oauth/', {
          method: 'POST',
          headers: { origin },
          body: new URLSearchParams(STAFF),
        });
        expect(await errorCode(response)).toBe('2400');
      }
    });
  });
});
