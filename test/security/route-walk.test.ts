import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSummary } from '../../src/server/http/app';
import { rawRequest } from '../helpers/raw-http';
import { startTestServer, type TestServer } from '../helpers/server';

/** A well-formed visitor ID of no one: a route reached with it must still demand a token first. */
const SAMPLE_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** The only routes anyone may call without a token. A new entry here is a decision, not an accident. */
const OPEN_ROUTES = [
  'POST /v1/oauth',
  'GET /v1/oauth/setup',
  'HEAD /v1/oauth/setup',
  'POST /v1/oauth/setup',
  // A new desk joins a site instead of creating its first account (API contract Part 3).
  'GET /v1/oauth/setup/site',
  'HEAD /v1/oauth/setup/site',
  'POST /v1/oauth/setup/join',
  'GET /v1/openapi.json',
  'HEAD /v1/openapi.json',
];

/** The only routes that take a signed URL instead of the token (security/thumb-urls.ts). */
const SIGNED_ROUTES = ['GET /v1/photo/thumb/:id', 'HEAD /v1/photo/thumb/:id'];

function concrete(url: string): string {
  return url.replace(/:[A-Za-z_]+/g, SAMPLE_ID);
}

const escape = (char: string): string => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

/** Every spelling of the path that a router, a proxy or a browser could take to mean the same route. */
function spellings(path: string, port: number): string[] {
  const variants = new Set<string>([path, `${path}/`, `${path}?x=1`]);
  for (let i = 1; i < path.length; i++) {
    const char = path[i]!;
    if (char === '/') {
      variants.add(`${path.slice(0, i)}%2F${path.slice(i + 1)}`);
      continue;
    }
    variants.add(path.slice(0, i) + escape(char) + path.slice(i + 1));
    variants.add(path.slice(0, i) + escape(char).toLowerCase() + path.slice(i + 1));
    // Double encoding: %2576 is "%76" once decoded, which must never become "v".
    variants.add(`${path.slice(0, i)}%25${escape(char).slice(1)}${path.slice(i + 1)}`);
  }
  variants.add(path.replace(/[a-z0-9]/g, (char) => escape(char)));
  variants.add(`http://127.0.0.1:${port}${path}`);
  return [...variants];
}

describe('every route demands a token unless it is declared open', () => {
  let server: TestServer;
  let routes: RouteSummary[];
  beforeAll(async () => {
    server = await startTestServer();
    routes = server.routes();
  });
  afterAll(() => server.stop());

  it('has exactly the expected open routes under /v1', () => {
    const open = routes
      .filter((route) => route.auth === 'none' && route.url.startsWith('/v1'))
      .map((route) => `${route.method} ${route.url}`);
    expect(open.sort()).toEqual([...OPEN_ROUTES].sort());
    // Sanity: the walk below covers a real list, not an empty one.
    expect(routes.filter((route) => route.auth !== 'none').length).toBeGreaterThan(10);
  });

  it('has exactly the expected routes that take a signed URL', () => {
    const signed = routes.filter((route) => route.auth === 'signed').map((route) => `${route.method} ${route.url}`);
    expect(signed.sort()).toEqual([...SIGNED_ROUTES].sort());
  });

  it('answers 1190 (or refuses the form of the request) for every closed route under every spelling', async () => {
    const problems: string[] = [];
    let tried = 0;
    for (const route of routes.filter((candidate) => candidate.auth !== 'none')) {
      for (const target of spellings(concrete(route.url), server.port)) {
        tried++;
        const response = await rawRequest(server.port, route.method, target);
        const absolute = !target.startsWith('/');
        if (route.method === 'HEAD') {
          if (response.status !== (absolute ? 400 : 401))
            problems.push(`${route.method} ${target} → ${response.status}`);
          continue;
        }
        const code = (JSON.parse(response.body || '{}') as { errors?: { code?: string } }).errors?.code;
        const expected = absolute ? [400, '2400'] : [401, '1190'];
        if (response.status !== expected[0] || code !== expected[1]) {
          problems.push(`${route.method} ${target} → ${response.status} ${code}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(tried).toBeGreaterThan(300);
  });

  it('answers 1190 before 2600 for unknown paths under any spelling of /v1', async () => {
    for (const target of [
      '/v1/nothing',
      '/%761/nothing',
      '/v%31/get/x/y',
      '/V1/get',
      '//v1/get',
      '/v1%2Fget',
      '/%2576%31/get',
    ]) {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const response = await rawRequest(server.port, method, target);
        expect([method, target, response.status]).toEqual([method, target, 401]);
      }
    }
  });

  it('refuses absolute-form targets even with a valid token', async () => {
    const response = await rawRequest(server.port, 'GET', `http://127.0.0.1:${server.port}/v1/get`, {
      authorization: `Token ${server.token}`,
    });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ errors: { code: '2400' } });
  });

  it('serves an encoded spelling of a route as the route itself, token and all', async () => {
    const response = await rawRequest(server.port, 'GET', '/%761/get', { authorization: `Token ${server.token}` });
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
  });
});
