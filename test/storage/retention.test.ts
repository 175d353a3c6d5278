import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openContext } from '../../src/server/context';
import type { AuditEntry } from '../../src/shared/audit';
import { makeImage } from '../helpers/images';
import { errorCode, photoFiles, signIn, STAFF, startTestServer, tempDataDir, type TestServer } from '../helpers/server';
import { spawnServer, stopServer } from '../reliability/server-process';

const DAY = 24 * 60 * 60 * 1000;

/**
 * A data folder with three visitors: one who left 40 days ago, one 5 days ago, one still
 * on site; each with a photo. Written through the services, with the clock moved.
 */
async function folderWithHistory(): Promise<{ dataDir: string; old: string; recent: string; onSite: string }> {
  const dataDir = tempDataDir();
  let now = Date.now() - 41 * DAY;
  const ctx = await openContext({ dataDir, now: () => now });
  await ctx.auth.createFirstUser(STAFF.username, STAFF.password);
  const checkIn = async (name: string, card: number) =>
    ctx.visitors.checkIn(
      { cardno: card, name, mobile: '5550100', purpose: 'Meeting' },
      await makeImage('jpeg', 160, 120),
      1,
    );
  const old = await checkIn('Left Long Ago', 1);
  now += DAY;
  ctx.visitors.recordExit(old);
  now = Date.now() - 6 * DAY;
  const recent = await checkIn('Left Recently', 2);
  now += DAY;
  ctx.visitors.recordExit(recent);
  now = Date.now();
  const onSite = await checkIn('Still Here', 3);
  ctx.close();
  return { dataDir, old, recent, onSite };
}

async function expectRetentionApplied(url: string, folder: Awaited<ReturnType<typeof folderWithHistory>>) {
  const token = await signIn(url, STAFF.username, STAFF.password);
  const get = (p: string) => fetch(url + p, { headers: { authorization: `Token ${token}` } });
  expect(await errorCode(await get(`/v1/photo/${folder.old}`))).toBe('4515');
  expect(await errorCode(await get(`/v1/photo/thumb/${folder.old}`))).toBe('4515');
  expect((await get(`/v1/photo/thumb/${folder.recent}`)).status).toBe(200);
  expect((await get(`/v1/photo/thumb/${folder.onSite}`)).status).toBe(200);
  expect(photoFiles(folder.dataDir).filter((file) => file.includes(folder.old))).toEqual([]);
  const audit = (await (await get('/v1/admin/audit/?action=photos.purge')).json()) as { data: AuditEntry[] };
  // The system's own entry: no account, and no name an account could take.
  expect(audit.data.map((entry) => [entry.actor, entry.user_id, entry.username, entry.detail])).toEqual([
    ['system', null, null, 'photos of 1 visitor who left more than 30 days ago deleted'],
  ]);
}

describe('photo retention runs by default (30 days) when the desk starts', () => {
  const folders: string[] = [];
  afterAll(() => folders.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('in the server the Electron app starts (startServer)', async () => {
    const folder = await folderWithHistory();
    folders.push(folder.dataDir);
    const server = await startTestServer({ dataDir: folder.dataDir });
    try {
      await expectRetentionApplied(server.url, folder);
      // The visit itself stays in the log, without its photo.
      const log = (await (await server.api('/v1/log/?q=long')).json()) as { data: { has_photo: boolean }[] };
      expect(log.data).toEqual([expect.objectContaining({ has_photo: false })]);
    } finally {
      await server.close();
    }
  });

  it('in `frontdesk serve`, a process of its own', async () => {
    const folder = await folderWithHistory();
    folders.push(folder.dataDir);
    const server = await spawnServer(folder.dataDir);
    try {
      await expectRetentionApplied(server.url, folder);
    } finally {
      await stopServer(server);
    }
  });

  it('keeps every photo when retention is switched off', async () => {
    const folder = await folderWithHistory();
    folders.push(folder.dataDir);
    const ctx = await openContext({ dataDir: folder.dataDir });
    ctx.settings.update({ photo_retention_days: null }, 1);
    ctx.close();
    const server: TestServer = await startTestServer({ dataDir: folder.dataDir });
    try {
      expect((await server.api(`/v1/photo/${folder.old}`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('erases whole visits past visit retention, keeping card and times, each batch on the trail', async () => {
    const folder = await folderWithHistory();
    folders.push(folder.dataDir);
    const ctx = await openContext({ dataDir: folder.dataDir });
    ctx.settings.update({ visit_retention_days: 20 }, 1);
    ctx.close();
    const server: TestServer = await startTestServer({ dataDir: folder.dataDir });
    try {
      const log = (await (await server.api('/v1/log/?limit=10')).json()) as {
        data: { visitor_id: string; name: string; card_no: number; erased: boolean; entry_time: string }[];
      };
      const old = log.data.find((v) => v.visitor_id === folder.old)!;
      expect(old).toMatchObject({ name: 'Erased visitor', card_no: 1, erased: true });
      expect(log.data.filter((v) => v.erased)).toHaveLength(1);
      expect(fs.readFileSync(path.join(folder.dataDir, 'frontdesk.db')).includes('Left Long Ago')).toBe(false);
      const audit = (await (await server.api('/v1/admin/audit/?action=visits.purge')).json()) as { data: AuditEntry[] };
      expect(audit.data.map((entry) => entry.detail)).toEqual(['1 visit older than 20 days erased']);
    } finally {
      await server.close();
    }
  });
});
