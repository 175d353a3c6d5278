import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw-http';
import { startTestServer, type TestServer } from '../helpers/server';

describe('the local port', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('binds to loopback by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers for the names it is reached by', async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`]) {
      const response = await rawRequest(server.port, 'GET', '/v1/get/', {
        host,
        authorization: `Token ${server.token}`,
      });
      expect(response.status).toBe(200);
    }
  });

  it('refuses a rebound host name (DNS rebinding) before looking at the token', async () => {
    for (const host of [`evil.example:${server.port}`, 'localhost', `127.0.0.1:${server.port + 1}`]) {
      const response = await rawRequest(server.port, 'GET', '/v1/get/', {
        host,
        authorization: `Token ${server.token}`,
      });
      expect(response.status).toBe(421);
      expect(JSON.parse(response.body)).toMatchObject({ success: false, errors: { code: '2600' } });
    }
  });

  it('sends no CORS headers, so other origins cannot read answers', async () => {
    const response = await rawRequest(server.port, 'GET', '/v1/get/', {
      host: `127.0.0.1:${server.port}`,
      origin: 'https://evil.example',
      authorization: `Token ${server.token}`,
    });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await fetch(`${server.url}/v1/get/`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('marks API answers as not to be cached and not to be sniffed', async () => {
    const response = await server.api('/v1/get/');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
