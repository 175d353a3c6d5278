import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage } from '../helpers/images';
import { checkInForm, errorCode, photoFiles, startTestServer, type TestServer } from '../helpers/server';
import { sqliteOf } from '../helpers/sqlite';

/**
 * A real small filesystem under the data folder (tmpfs), filled up and made read-only
 * for real: no simulated errors. Mounting needs root, which CI and these machines have;
 * elsewhere the spec is skipped and says why.
 */
function tryMount(dir: string, sizeMiB: number): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return `disk-fault tests skipped: cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]})`;
  }
}

const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-smalldisk-'));
const skipReason = tryMount(mountPoint, 12);
if (skipReason) console.log(skipReason);

describe.skipIf(skipReason !== null)('a full or read-only disk', () => {
  let server: TestServer;
  let jpeg: Buffer;
  const filler = path.join(mountPoint, 'filler');

  beforeAll(async () => {
    server = await startTestServer({ dataDir: path.join(mountPoint, 'data') });
    jpeg = await makeImage('jpeg', 1600, 1200, 8);
  });
  afterAll(async () => {
    await server.stop();
    execFileSync('umount', ['-l', mountPoint]);
    fs.rmSync(mountPoint, { recursive: true, force: true });
  });

  const add = (form: FormData) => server.api('/v1/add/', { method: 'POST', body: form });

  it('answers 5501 when the disk is full, keeps nothing half-written, and recovers when space returns', async () => {
    expect((await add(checkInForm(jpeg))).status).toBe(200);
    const before = photoFiles(server.dataDir);
    const rows = server.context.db.prepare('SELECT count(*) AS n FROM visitors').get();
    // Fill the disk to the last block.
    const block = Buffer.alloc(64 * 1024);
    const fd = fs.openSync(filler, 'w');
    try {
      for (;;) fs.writeSync(fd, block);
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      fs.closeSync(fd);
    }
    const full = await add(checkInForm(jpeg));
    expect(full.status).toBe(503);
    expect(await errorCode(full)).toBe('5501');
    expect(photoFiles(server.dataDir)).toEqual(before);
    expect(server.context.db.prepare('SELECT count(*) AS n FROM visitors').get()).toEqual(rows);
    expect((await server.api('/v1/get/')).status).toBe(200);

    fs.rmSync(filler);
    expect((await add(checkInForm(jpeg))).status).toBe(200);
    expect(sqliteOf(server.context.db).pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('answers 5501 when the photo store turns read-only, and works again once it is writable', async () => {
    // A read-only bind mount over the photo store: new files there fail with EROFS.
    const photos = path.join(server.dataDir, 'photos');
    execFileSync('mount', ['--bind', photos, photos]);
    try {
      execFileSync('mount', ['-o', 'remount,bind,ro', photos]);
      const before = server.context.db.prepare('SELECT count(*) AS n FROM visitors').get();
      const readOnly = await add(checkInForm(jpeg));
      expect(readOnly.status).toBe(503);
      expect(await errorCode(readOnly)).toBe('5501');
      expect(server.context.db.prepare('SELECT count(*) AS n FROM visitors').get()).toEqual(before);
      expect(server.context.db.prepare('SELECT count(*) AS n FROM photo_intents').get()).toEqual({ n: 0 });
    } finally {
      execFileSync('umount', [photos]);
    }
    expect((await add(checkInForm(jpeg))).status).toBe(200);
  });
});
