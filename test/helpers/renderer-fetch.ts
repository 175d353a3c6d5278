import { afterAll, beforeAll } from 'vitest';

/**
 * The renderer asks for `/v1/...` relative to the page that serves it. Under Node there is
 * no page: for the duration of a test file, relative paths go to the given server.
 */
export function fetchRelativeTo(serverUrl: () => string): void {
  const realFetch = globalThis.fetch;
  beforeAll(() => {
    globalThis.fetch = (input, init) =>
      realFetch(typeof input === 'string' && input.startsWith('/') ? serverUrl() + input : input, init);
  });
  afterAll(() => {
    globalThis.fetch = realFetch;
  });
}
