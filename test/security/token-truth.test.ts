import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/server/context';
import { errorCode, startTestServer, type TestServer } from '../helpers/server';

/** Another process on the same data folder (the CLI, a second desk), changing the database under the server. */
function inAnotherProcess(dataDir: string, sql: string): void {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('busy_timeout = 5000');
    db.exec(process.argv[2]);
    db.close();`;
  execFileSync(process.execPath, ['-e', script, path.join(dataDir, DATABASE_FILE), sql], { stdio: 'inherit' });
}

describe('tokens changed by another process', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('stops accepting a token revoked in the database by another process on the next request', async () => {
    expect((await server.api('/v1/get/')).status).toBe(200); // now remembered by the server
    inAnotherProcess(server.dataDir, `UPDATE tokens SET revoked_at = ${Date.now()}`);
    expect(await errorCode(await server.api('/v1/get/'))).toBe('1403');
  });

  it('stops accepting a token deleted by another process', async () => {
    const login = await fetch(`${server.url}/v1/oauth/`, {
      method: 'POST',
      body: new URLSearchParams({ username: 'reception', password: 'correct horse battery' }),
    });
    const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    expect((await server.api('/v1/get/', { auth: token })).status).toBe(200);
    inAnotherProcess(server.dataDir, 'DELETE FROM tokens');
    expect(await errorCode(await server.api('/v1/get/', { auth: token }))).toBe('1403');
  });
});
