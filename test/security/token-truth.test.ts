import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlInAnotherProcess } from '../helpers/another-process';
import { errorCode, startTestServer, type TestServer } from '../helpers/server';

describe('tokens changed by another process', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('stops accepting a token revoked in the database by another process on the next request', async () => {
    expect((await server.api('/v1/get/')).status).toBe(200); // now remembered by the server
    sqlInAnotherProcess(server.dataDir, `UPDATE tokens SET revoked_at = ${Date.now()}`);
    expect(await errorCode(await server.api('/v1/get/'))).toBe('1403');
  });

  it('stops accepting a token deleted by another process', async () => {
    const login = await fetch(`${server.url}/v1/oauth/`, {
      method: 'POST',
      body: new URLSearchParams({ username: 'reception', password: 'correct horse battery' }),
    });
    const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    expect((await server.api('/v1/get/', { auth: token })).status).toBe(200);
    sqlInAnotherProcess(server.dataDir, 'DELETE FROM tokens');
    expect(await errorCode(await server.api('/v1/get/', { auth: token }))).toBe('1403');
  });
});
