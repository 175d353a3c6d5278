import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/server/context';
import { startServer, type RunningServer } from '../../src/server/server';
import { eventually } from '../helpers/desks';
import { freePort, jsonRequest, signIn, startTestServer, STAFF, tempDataDir, type TestServer } from '../helpers/server';

interface Status {
  data: {
    site: null | { name: string; desk_name: string; listening: string | null; desks: { name: string }[] };
    peer_hosts: string[];
  };
}

/**
 * What Administration → Site and the first-run "Join a site" ask of the API (API contract
 * Part 3): two in-process desks, the second joined from its first-run screen.
 */
describe('setting up a site from the screens', () => {
  let front: TestServer;
  let fresh: RunningServer;

  beforeAll(async () => {
    front = await startTestServer();
    fresh = await startServer({ dataDir: tempDataDir(), port: 0 });
  });

  afterAll(async () => {
    await fresh?.close();
    await front?.stop();
  });

  it('says a desk alone is on its own, and offers the addresses it could listen at', async () => {
    const status = (await (await front.api('/v1/site')).json()) as Status;
    expect(status.data.site).toBeNull();
    expect(status.data.peer_hosts).toContain('127.0.0.1');
    expect((await front.api('/v1/admin/site')).status).toBe(404);
    expect((await front.api('/v1/admin/site/invite', { method: 'POST' })).status).toBe(404);
  });

  it('makes a desk the first of a site, listening where it is told, once', async () => {
    const bad = await front.api(
      '/v1/admin/site',
      jsonRequest('POST', { name: 'Campus', desk_name: 'Front', listen: { host: '127.0.0.1', port: 70000 } }),
    );
    expect(bad.status).toBe(400);
    expect((await front.api('/v1/site').then((r) => r.json() as Promise<Status>)).data.site).toBeNull();

    const port = await freePort();
    const made = await front.api(
      '/v1/admin/site',
      jsonRequest('POST', { name: 'Campus', desk_name: 'Front', listen: { host: '127.0.0.1', port } }),
    );
    expect(made.status).toBe(201);
    const status = (await (await front.api('/v1/site')).json()) as Status;
    expect(status.data.site).toMatchObject({
      name: 'Campus',
      desk_name: 'Front',
      listening: `https://127.0.0.1:${port}`,
    });
    const again = await front.api(
      '/v1/admin/site',
      jsonRequest('POST', { name: 'Other', desk_name: 'Front', listen: { host: '127.0.0.1', port } }),
    );
    expect(again.status).toBe(409);
  });

  it('keeps listening where it did when told to listen at a port another program holds', async () => {
    const before = ((await (await front.api('/v1/site')).json()) as Status).data.site!.listening;
    const taken = await front.api('/v1/admin/site/listen', jsonRequest('PUT', { host: '127.0.0.1', port: front.port }));
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as { errors: { message: string; field: string } }).errors).toMatchObject({
      field: 'listen',
      message: expect.stringMatching(/another program uses that port/) as unknown,
    });
    expect(((await (await front.api('/v1/site')).json()) as Status).data.site!.listening).toBe(before);
  });

  it('joins a new desk from its first-run screen with a code, after which it signs in with the site’s accounts', async () => {
    const offered = await fetch(`${fresh.url}/v1/oauth/setup/site`);
    expect(offered.status).toBe(200);
    const invite = (await (await front.api('/v1/admin/site/invite', { method: 'POST' })).json()) as {
      data: { code: string; address: string };
    };
    expect(invite.data.code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$/);
    // The port is not listened at unless the code is right.
    const join = (code: string, headers: Record<string, string> = {}, port = 1) =>
      fetch(`${fresh.url}/v1/oauth/setup/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({
          peer: invite.data.address,
          code,
          desk_name: 'Side',
          listen: { host: '127.0.0.1', port },
        }),
      });
    // Another web site cannot make the kiosk's browser join a site of its choosing.
    expect((await join(invite.data.code, { origin: 'http://evil.example' })).status).toBe(403);
    // The secret is wrong; the fingerprint part still names the inviting desk.
    const wrong = await join(`${invite.data.code.startsWith('0000') ? '1111' : '0000'}${invite.data.code.slice(4)}`);
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { errors: { field: string } }).errors.field).toBe('code');

    // A port another program holds is said before anything is done: the code stays good.
    const busy = await join(invite.data.code, {}, front.port);
    expect(busy.status).toBe(409);
    expect(((await busy.json()) as { errors: { field: string } }).errors.field).toBe('listen');
    expect(((await (await fetch(`${fresh.url}/v1/oauth/setup/site`)).json()) as Status).data.site).toBeNull();
    // Each wrong code pauses joining for a second (guessing is throttled), said in words; then it joins.
    const port = await freePort();
    await eventually(async () => {
      const answer = await join(invite.data.code, {}, port);
      if (answer.status === 200) return true;
      expect(answer.status).toBe(409);
      expect(((await answer.json()) as { errors: { message: string } }).errors.message).toMatch(
        /try again in a second/,
      );
      return false;
    });
    // Joined: the desk makes no first account of its own, whether the site's have arrived yet or not.
    const setup = (await (await fetch(`${fresh.url}/v1/oauth/setup`)).json()) as {
      data: { needs_first_user: boolean };
    };
    expect(setup.data.needs_first_user).toBe(false);
    const claim = await fetch(`${fresh.url}/v1/oauth/setup`, {
      method: 'POST',
      body: new URLSearchParams({ username: 'mallory', password: 'a password of her own' }),
    });
    expect(claim.status).toBe(409);
    const token = await eventually(() => signIn(fresh.url, STAFF.username, STAFF.password).catch(() => false as const));
    const status = (await (
      await fetch(`${fresh.url}/v1/site`, { headers: { authorization: `Token ${token}` } })
    ).json()) as Status;
    expect(status.data.site).toMatchObject({
      name: 'Campus',
      desk_name: 'Side',
      listening: `https://127.0.0.1:${port}`,
    });
    expect(status.data.site!.desks.map((desk) => desk.name)).toEqual(['Front']);
    // Set up now: the first-run routes are closed.
    expect((await fetch(`${fresh.url}/v1/oauth/setup/site`)).status).toBe(409);
    expect((await join(invite.data.code)).status).toBe(409);
    expect((await signIn(front.url, 'mallory', 'a password of her own').catch(() => 'refused')) === 'refused').toBe(
      true,
    );
  }, 60_000);

  it('starts, and serves its staff, when the address it last listened at is gone (DHCP moved the kiosk)', async () => {
    const dataDir = fresh.context.dataDir;
    await fresh.close();
    // An address this computer does not have (TEST-NET-1): only binding is tried, nothing is sent.
    const db = new Database(path.join(dataDir, DATABASE_FILE));
    db.prepare('UPDATE desks SET address = ? WHERE desk_id = (SELECT desk_id FROM this_desk)').run(
      'https://192.0.2.1:4443',
    );
    db.close();
    fresh = await startServer({ dataDir, port: 0 });
    const token = await signIn(fresh.url, STAFF.username, STAFF.password);
    const status = (await (
      await fetch(`${fresh.url}/v1/site`, { headers: { authorization: `Token ${token}` } })
    ).json()) as Status;
    expect(status.data.site).toMatchObject({ name: 'Campus', listening: null });
  }, 60_000);
});
