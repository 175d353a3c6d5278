import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, startTestServer, tempDataDir, type TestServer } from '../helpers/server';
import { startServer, type RunningServer } from '../../src/server/server';

const FIRST_USER = { username: 'first', password: 'a long password' };

describe('state-changing requests from another web site', () => {
  let fresh: RunningServer;
  beforeAll(async () => {
    fresh = await startServer({ port: 0, dataDir: tempDataDir() });
  });
  afterAll(() => fresh.close());

  const setUp = (headers: Record<string, string>): Promise<Response> =>
    fetch(`${fresh.url}/v1/oauth/setup`, { method: 'POST', headers, body: new URLSearchParams(FIRST_USER) });

  it.each<Record<string, string>>([
    { origin: 'http://evil.example' },
    { origin: 'null' },
    { origin: 'https://127.0.0.1' },
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-site' },
    // A browser may attach cached HTTP credentials by itself: an Authorization header proves nothing.
    { origin: 'http://evil.example', authorization: 'Basic ZXZpbDpldmls' },
  ])('refuses the first-run set-up sent with %o, and creates no account', async (headers) => {
    const response = await setUp(headers);
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('2400');
    expect(fresh.context.auth.needsFirstUser()).toBe(true);
  });

  it('accepts it from the desk itself', async () => {
    const response = await setUp({ origin: fresh.url, 'sec-fetch-site': 'same-origin' });
    expect(response.status).toBe(200);
    expect(fresh.context.auth.needsFirstUser()).toBe(false);
  });
});

describe('sign-in from another web site', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('is refused, while a client that is not a browser (no Origin) signs in', async () => {
    const body = new URLSearchParams({ username: 'reception', password: 'correct horse battery' });
    const crossSite = await fetch(`${server.url}/v1/oauth/`, {
      method: 'POST',
      headers: { origin: 'http://evil.example' },
      body,
    });
    expect(crossSite.status).toBe(403);
    expect((await fetch(`${server.url}/v1/oauth/`, { method: 'POST', body })).status).toBe(200);
  });
});
