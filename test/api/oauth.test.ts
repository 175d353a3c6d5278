import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, STAFF, startTestServer, type TestServer } from '../helpers/server';

const THIRTY_DAYS = 30 * 24 * 60 * 60;

describe('POST /v1/oauth/', () => {
  let server: TestServer;
  let clock = Date.now();
  beforeAll(async () => {
    server = await startTestServer({ now: () => clock });
  });
  afterAll(() => server.stop());

  const login = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/v1/oauth/`, { method: 'POST', body: new URLSearchParams(fields), headers });

  it('issues a 256-bit token that lives 30 days', async () => {
    const response = await login(STAFF);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { success: boolean; data: { access_token: string; expiry: number } };
    expect(body.success).toBe(true);
    expect(Buffer.from(body.data.access_token, 'base64url')).toHaveLength(32);
    expect(body.data.expiry).toBe(Math.floor(clock / 1000) + THIRTY_DAYS);
  });

  it('accepts the credentials as multipart form data too', async () => {
    const form = new FormData();
    form.set('username', STAFF.username);
    form.set('password', STAFF.password);
    const response = await fetch(`${server.url}/v1/oauth`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
  });

  it('stores only a hash of the token', async () => {
    const body = (await (await login(STAFF)).json()) as { data: { access_token: string } };
    const rows = server.context.db.prepare('SELECT * FROM tokens').all();
    expect(JSON.stringify(rows)).not.toContain(body.data.access_token);
    const dump = server.context.db.prepare('SELECT count(*) AS n FROM tokens WHERE token_hash IS NOT NULL').get();
    expect(dump).toEqual({ n: rows.length });
  });

  it('answers 1157 when the username or password is missing', async () => {
    const missingPassword = await login({ username: STAFF.username });
    expect(missingPassword.status).toBe(400);
    expect(await errorCode(missingPassword)).toBe('1157');
    expect(await errorCode(await login({ password: 'x' }))).toBe('1157');
    expect(await errorCode(await login({}))).toBe('1157');
  });

  it('answers 1142 alike for a wrong password and an unknown user', async () => {
    const wrong = await login({ username: STAFF.username, password: 'wrong password' });
    expect(wrong.status).toBe(401);
    const wrongBody = (await wrong.json()) as { errors: unknown };
    const unknown = await login({ username: 'nobody-here', password: 'wrong password' });
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { errors: unknown }).errors).toEqual(wrongBody.errors);
  });

  it('refuses a device-info longer than 200 characters with 2400', async () => {
    const response = await login({ ...STAFF, 'device-info': 'x'.repeat(201) });
    expect(await errorCode(response)).toBe('2400');
  });

  it('throttles repeated failures for one username with 429 and Retry-After', async () => {
    const target = { username: 'throttled-user', password: 'nope nope' };
    for (let i = 0; i < 5; i++) expect((await login(target)).status).toBe(401);
    const blocked = await login(target);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await errorCode(blocked)).toBe('1142');
    clock += 16 * 60 * 1000; // past the window: the slate is clean again
    expect((await login(target)).status).toBe(401);
  });
});

describe('tokens', () => {
  let server: TestServer;
  let clock = Date.now();
  beforeAll(async () => {
    server = await startTestServer({ now: () => clock });
  });
  afterAll(() => server.stop());

  it('accepts the scheme word in any case', async () => {
    const response = await fetch(`${server.url}/v1/get/`, { headers: { authorization: `token ${server.token}` } });
    expect(response.status).toBe(200);
  });

  it('answers 1190 without a token, or with a header that is not "Token <token>"', async () => {
    for (const header of [undefined, `Bearer ${server.token}`, 'Token', server.token]) {
      const response = await fetch(`${server.url}/v1/get/`, header ? { headers: { authorization: header } } : {});
      expect(response.status).toBe(401);
      expect(await errorCode(response)).toBe('1190');
    }
  });

  it('checks the token before the path: 1190 even where the path is wrong', async () => {
    for (const pathname of ['/v1/photo/', '/v1/exit/', '/v1/no-such-endpoint', '/v1/photo/..%2F..%2Fx']) {
      expect(await errorCode(await server.api(pathname, { auth: false }))).toBe('1190');
    }
  });

  it('answers 1403 for an unknown token', async () => {
    const response = await server.api('/v1/get/', { auth: 'A'.repeat(43) });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('1403');
  });

  it('ends a token on revoke', async () => {
    const login = await fetch(`${server.url}/v1/oauth/`, { method: 'POST', body: new URLSearchParams(STAFF) });
    const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    expect((await server.api('/v1/get/', { auth: token })).status).toBe(200);
    expect((await server.api('/v1/oauth/revoke', { method: 'POST', auth: token })).status).toBe(200);
    expect(await errorCode(await server.api('/v1/get/', { auth: token }))).toBe('1403');
    expect((await server.api('/v1/get/')).status).toBe(200); // other sessions are untouched
  });

  it('expires a token after 30 days', async () => {
    expect((await server.api('/v1/get/')).status).toBe(200);
    clock += THIRTY_DAYS * 1000 - 1000;
    expect((await server.api('/v1/get/')).status).toBe(200);
    clock += 2000;
    expect(await errorCode(await server.api('/v1/get/'))).toBe('1403');
  });
});

describe('first-run set-up', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('is closed once a staff account exists', async () => {
    const status = await fetch(`${server.url}/v1/oauth/setup`);
    expect(await status.json()).toEqual({ success: true, data: { needs_first_user: false, joining_site: false } });
    const attempt = await fetch(`${server.url}/v1/oauth/setup`, {
      method: 'POST',
      body: new URLSearchParams({ username: 'intruder', password: 'long enough password' }),
    });
    expect(attempt.status).toBe(409);
    expect(server.context.repositories.users.findByUsername('intruder')).toBeUndefined();
  });
});
