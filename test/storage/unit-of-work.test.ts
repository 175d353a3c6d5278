import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContext } from '../../src/server/context';
import { sqlInAnotherProcess } from '../helpers/another-process';
import { makeImage } from '../helpers/images';
import { checkInForm, jsonRequest, signIn, startTestServer, tempDataDir, type TestServer } from '../helpers/server';

describe('one path for every write', () => {
  it('refuses a write made outside a unit of work, and writes nothing', async () => {
    const ctx = await openContext({ dataDir: tempDataDir() });
    try {
      expect(() => ctx.repositories.visitees.insert({ name: 'Left Alone' })).toThrow(/outside a unit of work/);
      expect(ctx.hosts.all()).toEqual([]);
      expect(ctx.writes.run(() => ctx.repositories.visitees.insert({ name: 'Through The Unit' }))).toBeGreaterThan(0);
      expect(ctx.hosts.all().map((host) => host.name)).toEqual(['Through The Unit']);
    } finally {
      ctx.close();
    }
  });

  it('runs what follows a change only once it has committed, and never for one rolled back', async () => {
    const ctx = await openContext({ dataDir: tempDataDir() });
    try {
      const seen: string[] = [];
      expect(() =>
        ctx.writes.run((unit) => {
          ctx.repositories.visitees.insert({ name: 'Rolled Back' });
          unit.afterCommit(() => seen.push('rolled back'));
          throw new Error('changed my mind');
        }),
      ).toThrow('changed my mind');
      ctx.writes.run((unit) => {
        ctx.repositories.visitees.insert({ name: 'Kept' });
        unit.afterCommit(() => seen.push(`committed: ${ctx.hosts.all().length} host`));
      });
      expect(seen).toEqual(['committed: 1 host']);
    } finally {
      ctx.close();
    }
  });
});

/**
 * The trail refuses new entries (a trigger added by another process, as a full disk or a
 * damaged trail would): every audited change must then not happen either. Before the unit
 * of work, a staff change and its entry committed separately, and the change stayed.
 */
describe('a change whose audit entry cannot be written is not made', () => {
  let server: TestServer;
  let visitorId: string;
  let staffId: number;
  let staffToken: string;

  beforeAll(async () => {
    server = await startTestServer();
    const created = await server.api(
      '/v1/admin/users',
      jsonRequest('POST', { username: 'door', password: 'a door password', role: 'reception' }),
    );
    staffId = ((await created.json()) as { data: { user_id: number } }).data.user_id;
    staffToken = await signIn(server.url, 'door', 'a door password');
    const added = await server.api('/v1/add/', { method: 'POST', body: checkInForm(await makeImage('jpeg', 120, 90)) });
    visitorId = ((await added.json()) as { visitor_id: string }).visitor_id;
    sqlInAnotherProcess(
      server.dataDir,
      "CREATE TRIGGER refuse_entries BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'no more entries'); END",
    );
  });
  afterAll(() => server.stop());

  const staff = async () =>
    ((await (await server.api('/v1/admin/users')).json()) as { data: { user_id: number; active: boolean }[] }).data;

  it('keeps an account active, and its sessions, when its deactivation cannot be audited', async () => {
    const response = await server.api(`/v1/admin/users/${staffId}`, jsonRequest('PATCH', { active: false }));
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect((await staff()).find((user) => user.user_id === staffId)?.active).toBe(true);
    expect((await server.api('/v1/get/', { auth: staffToken })).status).toBe(200);
  });

  it('adds no account whose creation cannot be audited', async () => {
    const before = await staff();
    const response = await server.api(
      '/v1/admin/users',
      jsonRequest('POST', { username: 'unrecorded', password: 'a long password' }),
    );
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(await staff()).toEqual(before);
  });

  it('changes no setting and erases no one without the entry', async () => {
    const settings = await (await server.api('/v1/admin/settings')).json();
    expect(
      (await server.api('/v1/admin/settings', jsonRequest('PATCH', { badge_size: 'a6' }))).status,
    ).toBeGreaterThanOrEqual(500);
    expect(await (await server.api('/v1/admin/settings')).json()).toEqual(settings);

    const erased = await server.api(
      `/v1/admin/visitors/${visitorId}/erase`,
      jsonRequest('POST', { reason: 'request' }),
    );
    expect(erased.status).toBeGreaterThanOrEqual(500);
    expect((await server.api(`/v1/photo/thumb/${visitorId}`)).status).toBe(200);
  });

  it('makes the change once the trail takes entries again', async () => {
    sqlInAnotherProcess(server.dataDir, 'DROP TRIGGER refuse_entries');
    expect((await server.api(`/v1/admin/users/${staffId}`, jsonRequest('PATCH', { active: false }))).status).toBe(200);
    expect((await staff()).find((user) => user.user_id === staffId)?.active).toBe(false);
    expect((await server.api('/v1/get/', { auth: staffToken })).status).toBe(401);
  });
});
