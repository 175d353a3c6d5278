import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_TERMS_MAX, searchWords } from '../../src/server/services/log-search';
import { errorCode, startTestServer, type TestServer } from '../helpers/server';

describe('the cost of one search', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('collapses repeated and implied words into one term', () => {
    expect(searchWords('a '.repeat(50))).toEqual(['a']);
    expect(searchWords('Al al ALICE a')).toEqual(['alice']);
  });

  it(`refuses more than ${SEARCH_TERMS_MAX} different words with 2400 naming q`, async () => {
    const response = await server.api(`/v1/log/?q=${encodeURIComponent('ab cd ef gh ij kl mn')}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { code: string; field: string; message: string } };
    expect(body.errors).toMatchObject({ code: '2400', field: 'q' });
    expect(body.errors.message).toMatch(/at most 6/);
  });

  it('answers fifty repeated words like one', async () => {
    expect((await server.api(`/v1/log/?q=${encodeURIComponent('a '.repeat(50))}`)).status).toBe(200);
    expect(await errorCode(await server.api('/v1/log/?q=a+b+c+d+e+f+g'))).toBe('2400');
  });
});
