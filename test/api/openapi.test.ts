import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

interface Document {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
}

/** Part 1 of API contract, and Frontdesk's own additions: each must be in the document. */
const CONTRACT = [
  'post /v1/oauth',
  'post /v1/oauth/revoke',
  'get /v1/oauth/setup',
  'post /v1/oauth/setup',
  'post /v1/add',
  'get /v1/get',
  'get /v1/get/{id}',
  'get /v1/get/visitee',
  'get /v1/exit/{id}',
  'post /v1/exit/{id}',
  'get /v1/photo/{id}',
  'get /v1/photo/thumb/{id}',
  'get /v1/log',
];

describe('the API document', () => {
  let server: TestServer;
  let document: Document;
  beforeAll(async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/v1/openapi.json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as Document;
  });
  afterAll(() => server.stop());

  it('is served without a token and is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
  });

  it('covers every endpoint of the contract', () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    for (const operation of CONTRACT) expect(operations).toContain(operation);
  });

  it('covers every route the server registered', () => {
    const undocumented = server
      .routes()
      .filter((route) => route.method !== 'HEAD' && route.url.startsWith('/v1') && route.url !== '/v1/openapi.json')
      .map((route) => `${route.method.toLowerCase()} ${route.url.replace(/:(\w+)/g, '{$1}')}`)
      .filter((operation) => {
        const [method, path] = operation.split(' ') as [string, string];
        return !document.paths[path]?.[method];
      });
    expect(undocumented).toEqual([]);
  });

  it('lists the error codes of each answer, token errors on every closed endpoint', () => {
    const closed = document.paths['/v1/log']!.get!.responses;
    expect(JSON.stringify(closed['401'])).toContain('1190');
    expect(JSON.stringify(document.paths['/v1/photo/{id}']!.get!.responses['404'])).toContain('4515');
    expect(document.paths['/v1/oauth/setup']!.get!.responses['401']).toBeUndefined();
  });

  it('is readable offline at /docs/api, with nothing loaded from another origin', async () => {
    const page = await fetch(`${server.url}/docs/api/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});
