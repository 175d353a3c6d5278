import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openContext } from '../../src/server/context';
import { makeImage } from '../helpers/images';
import { checkInForm, STAFF, tempDataDir } from '../helpers/server';

describe('the server log', () => {
  const dataDir = tempDataDir();
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('never contains a token or a password, even at debug level', async () => {
    const ctx = await openContext({ dataDir });
    await ctx.auth.createFirstUser(STAFF.username, STAFF.password);
    ctx.close();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.resolve(__dirname, '../../src/cli/index.ts'), 'serve', '--data-dir', dataDir],
      { env: { ...process.env, FRONTDESK_LOG: 'debug' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    try {
      const url = await new Promise<string>((resolve) => {
        const check = () => {
          const match = /Frontdesk listening on (\S+)/.exec(log);
          if (match) resolve(match[1]!);
          else setImmediate(check);
        };
        child.stdout.on('data', check);
      });
      const login = await fetch(`${url}/v1/oauth/`, { method: 'POST', body: new URLSearchParams(STAFF) });
      const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
      await fetch(`${url}/v1/get/`, { headers: { authorization: `Token ${token}` } });
      await fetch(`${url}/v1/get/`, { headers: { authorization: `Token ${token}x` } });
      const form = checkInForm(await makeImage('jpeg', 200, 150), { access_token: token });
      expect((await fetch(`${url}/v1/add/`, { method: 'POST', body: form })).status).toBe(200);
      await fetch(`${url}/v1/oauth/`, {
        method: 'POST',
        body: new URLSearchParams({ ...STAFF, password: 'wrong guess 123' }),
      });
      expect(log).toContain('incoming request'); // debug logging really was on
      expect(log).not.toContain(token);
      expect(log).not.toContain(STAFF.password);
      expect(log).not.toContain('wrong guess 123');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
