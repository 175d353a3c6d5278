import { InfiniteQueryObserver, QueryClient } from '@tanstack/react-query';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedVisitors } from '../../src/cli/seed/seed';
import { logQuery } from '../../src/renderer/src/queries/visitors';
import { startTestServer, type TestServer } from '../helpers/server';
import { fetchRelativeTo } from '../helpers/renderer-fetch';

/**
 * History scrolled far holds a bounded number of pages: the oldest let go of the top as
 * new ones come at the bottom, and scrolling back reads them again, contiguous. A real
 * QueryClient over a real server with 1,500 visitors (12.5 pages of 120).
 */
describe('paging the log with a bounded number of pages', () => {
  let server: TestServer;
  fetchRelativeTo(() => server.url);
  beforeAll(async () => {
    server = await startTestServer();
    await seedVisitors(server.context, { visitors: 1500, withoutPhotos: true, seed: 7 });
  });
  afterAll(() => server.stop());

  it('keeps at most ten pages, and reads dropped ones back in order', async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const observer = new InfiniteQueryObserver(client, logQuery(server.token, '', true));
    const unsubscribe = observer.subscribe(() => undefined);
    const all = (await server.api('/v1/log/?limit=200').then((r) => r.json())) as { data: { visitor_id: string }[] };
    const newest = all.data.map((v) => v.visitor_id);
    try {
      await observer.refetch();
      for (let page = 0; page < 12; page++) await observer.fetchNextPage();
      let result = observer.getCurrentResult();
      let held = result.data!.visitors.map((v) => v.visitor_id);
      expect(result.data!.visitors.length).toBeLessThanOrEqual(1200);
      expect(held).not.toContain(newest[0]); // the top was let go
      expect(result.hasPreviousPage).toBe(true);
      expect(result.hasNextPage).toBe(false); // the end of the log is held

      while (observer.getCurrentResult().hasPreviousPage) await observer.fetchPreviousPage();
      result = observer.getCurrentResult();
      held = result.data!.visitors.map((v) => v.visitor_id);
      expect(held.slice(0, 200)).toEqual(newest); // back at the top, in order
      expect(new Set(held).size).toBe(held.length); // no visitor twice
      expect(held.length).toBeLessThanOrEqual(1200);
    } finally {
      unsubscribe();
    }
  });
});
