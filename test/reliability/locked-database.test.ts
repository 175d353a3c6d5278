import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openContext } from '../../src/server/context';
import { makeImage } from '../helpers/images';
import { checkInForm, STAFF, tempDataDir } from '../helpers/server';
import { killHard, spawnServer } from './server-process';

describe('a database locked by another process', () => {
  const dataDir = tempDataDir();
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('waits for the lock and then succeeds, instead of failing at once', async () => {
    const ctx = await openContext({ dataDir });
    await ctx.auth.createFirstUser(STAFF.username, STAFF.password);
    ctx.close();
    const server = await spawnServer(dataDir);
    try {
      const login = await fetch(`${server.url}/v1/oauth/`, { method: 'POST', body: new URLSearchParams(STAFF) });
      const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
      const form = checkInForm(await makeImage('jpeg', 320, 240));
      const holder = spawn(
        process.execPath,
        [
          '-e',
          `const db = new (require('better-sqlite3'))(process.argv[1]);
           db.exec('BEGIN IMMEDIATE'); console.log('locked');
           setTimeout(() => { db.exec('COMMIT'); db.close(); }, 1200);`,
          path.join(dataDir, DATABASE_FILE),
        ],
        { cwd: path.resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const exited = new Promise((resolve) => holder.once('exit', resolve));
      await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
      // Another process (a backup tool, say) now holds the write lock for 1.2 s. Without a
      // busy timeout this check-in would fail at once with SQLITE_BUSY (a 5501).
      const response = await fetch(`${server.url}/v1/add/`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Token ${token}` },
      });
      expect(response.status).toBe(200);
      expect(await exited).toBe(0);
    } finally {
      await killHard(server);
    }
  });
});
