import { checkerFor } from './contract';

/**
 * Every answer a test gets through fetch from a local Frontdesk server under /v1 is
 * checked against the API document that server publishes; a mismatch fails the test
 * that made the request. Requests sent with raw sockets (hostile-input tests) are not
 * seen here: they test the refusal of what no document describes.
 */
const realFetch = globalThis.fetch;

globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const response = await realFetch(input, init);
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (!local || !url.pathname.startsWith('/v1') || url.pathname === '/v1/openapi.json') return response;
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const checker = await checkerFor(url.origin, realFetch);
  const problems = await checker.check(method, url, response.clone());
  if (problems.length > 0) throw new Error(`The answer does not match the API document:\n${problems.join('\n')}`);
  return response;
};
