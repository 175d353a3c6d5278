import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw-http';

const codeOf = (body: string): string | undefined => (JSON.parse(body) as { errors?: { code?: string } }).errors?.code;
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server';

describe('answers at the edges of HTTP, with a renderer to serve', () => {
  let server: TestServer;
  beforeAll(async () => {
    const rendererDir = tempDataDir();
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Frontdesk</title>');
    server = await startTestServer({ rendererDir });
  });
  afterAll(() => server.stop());

  it('gives a page path the renderer routes itself the app shell, and a missing file a 404', async () => {
    const page = await rawRequest(server.port, 'GET', '/visitors/somebody');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<title>Frontdesk</title>');
    const missing = await rawRequest(server.port, 'GET', '/assets/from-another-build.js');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ errors: { code: '2600' } });
  });

  it('checks the token first even where the router refuses the path itself', async () => {
    for (const target of ['/v1/get%', `/v1/photo/${'A'.repeat(300)}`]) {
      const anonymous = await rawRequest(server.port, 'GET', target);
      expect([target, anonymous.status, codeOf(anonymous.body)]).toEqual([target, 401, '1190']);
      const signedIn = await rawRequest(server.port, 'GET', target, { authorization: `Token ${server.token}` });
      expect(codeOf(signedIn.body)).toBe('3404');
    }
  });

  it('answers an Expect header it does not support with the contract’s JSON', async () => {
    const response = await rawRequest(server.port, 'POST', '/v1/oauth/', { expect: 'something-else' }, 'x');
    expect(response.status).toBe(417);
    expect(JSON.parse(response.body)).toMatchObject({ success: false, errors: { code: '2400' } });
  });
});
