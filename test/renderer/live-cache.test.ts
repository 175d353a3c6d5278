import { InfiniteQueryObserver, QueryClient } from '@tanstack/react-query';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readDeskEvents } from '../../src/renderer/src/lib/event-stream';
import {
  applyDeskEvent,
  findCachedVisitor,
  removeFromOnSite,
  type LogPages,
} from '../../src/renderer/src/queries/visitor-cache';
import { logQuery, onSiteQuery, visitorKeys } from '../../src/renderer/src/queries/visitors';
import type { DeskEvent } from '../../src/shared/events';
import { makeImage } from '../helpers/images';
import { checkInForm, startTestServer, type TestServer } from '../helpers/server';
import { fetchRelativeTo } from '../helpers/renderer-fetch';

/**
 * The renderer's data layer with a real QueryClient over a real server: the queries fetch
 * real pages, the events come from a real /v1/events stream. Only the base URL is given to
 * fetch, since the renderer's paths are relative to the page that serves it.
 */
describe('the live log cache', () => {
  let server: TestServer;
  let client: QueryClient;
  let jpeg: Buffer;
  fetchRelativeTo(() => server.url);

  beforeAll(async () => {
    server = await startTestServer();
    jpeg = await makeImage('jpeg', 120, 160);
    for (const name of ['Ada First', 'Ben Second', 'Cy Third']) {
      await server.api('/v1/add/', { method: 'POST', body: checkInForm(jpeg, { name }) });
    }
  });
  afterAll(() => server.stop());
  beforeEach(async () => {
    client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    await client.fetchInfiniteQuery(onSiteQuery(server.token, true));
    await client.fetchInfiniteQuery(logQuery(server.token, '', true));
    await client.fetchInfiniteQuery(logQuery(server.token, 'ada', true));
  });

  const onSite = (): LogPages => client.getQueryData<LogPages>(visitorKeys.onSite())!;
  const names = (pages: LogPages): string[] => pages.pages.flatMap((page) => page.data.map((v) => v.name));

  /** Opens the stream, runs `act`, and returns the first event of `type`. */
  async function eventDuring(type: DeskEvent['type'], act: () => Promise<unknown>): Promise<DeskEvent> {
    const controller = new AbortController();
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    let got!: (event: DeskEvent) => void;
    const received = new Promise<DeskEvent>((resolve) => (got = resolve));
    const reading = readDeskEvents(server.token, controller.signal, {
      onOpen: opened,
      onEvent: (event) => event.type === type && got(event),
    }).catch(() => undefined);
    await open;
    await act();
    const event = await received;
    controller.abort();
    await reading;
    return event;
  }

  it('puts a check-in made elsewhere first, once, and counts it', async () => {
    const countBefore = onSite().pages[0]!.on_site_count!;
    const event = await eventDuring('visitor.checkin', () =>
      server.api('/v1/add/', { method: 'POST', body: checkInForm(jpeg, { name: 'Dee Fourth' }) }),
    );
    applyDeskEvent(client, event);
    applyDeskEvent(client, event); // delivered twice (a reconnect): still once
    expect(names(onSite())[0]).toBe('Dee Fourth');
    expect(names(onSite()).filter((name) => name === 'Dee Fourth')).toHaveLength(1);
    expect(onSite().pages[0]!.on_site_count).toBe(countBefore + 1);
    expect(names(client.getQueryData<LogPages>(visitorKeys.log(''))!)[0]).toBe('Dee Fourth');
    // Whether the newcomer matches a search, only the server knows: the search is re-read.
    expect(client.getQueryState(visitorKeys.log('ada'))!.isInvalidated).toBe(true);
    expect(client.getQueryState(visitorKeys.log(''))!.isInvalidated).toBe(false);
  });

  it('takes an exit made elsewhere off "On site now" and gives the log its exit time', async () => {
    const ada = onSite()
      .pages.flatMap((page) => page.data)
      .find((v) => v.name === 'Ada First')!;
    const countBefore = onSite().pages[0]!.on_site_count!;
    const event = await eventDuring('visitor.exit', () => server.api(`/v1/exit/${ada.visitor_id}`, { method: 'POST' }));
    applyDeskEvent(client, event);
    applyDeskEvent(client, event);
    expect(names(onSite())).not.toContain('Ada First');
    expect(onSite().pages[0]!.on_site_count).toBe(countBefore - 1);
    const inSearch = client.getQueryData<LogPages>(visitorKeys.log('ada'))!.pages[0]!.data[0]!;
    expect(inSearch.exit_time).not.toBeNull();
    // The viewer, which follows people and not lists, finds her with her exit time.
    expect(findCachedVisitor(client, ada.visitor_id)?.exit_time).toBe(inSearch.exit_time);
  });

  it('takes an exit recorded here off once: its event, after it, changes nothing', async () => {
    const ben = onSite()
      .pages.flatMap((page) => page.data)
      .find((v) => v.name === 'Ben Second')!;
    const countBefore = onSite().pages[0]!.on_site_count!;
    const event = await eventDuring('visitor.exit', async () => {
      removeFromOnSite(client, ben.visitor_id); // as the exit button does, before the server answers
      return server.api(`/v1/exit/${ben.visitor_id}`, { method: 'POST' });
    });
    applyDeskEvent(client, event);
    expect(onSite().pages[0]!.on_site_count).toBe(countBefore - 1);
    expect(client.getQueryState(visitorKeys.onSite())!.isInvalidated).toBe(false);
  });

  it('asks the server how many are left when someone it does not hold leaves', async () => {
    // Cy is on the premises below the pages held, as one of thousands would be.
    const cy = onSite()
      .pages.flatMap((page) => page.data)
      .find((v) => v.name === 'Cy Third')!;
    client.setQueryData<LogPages>(visitorKeys.onSite(), (data) => ({
      ...data!,
      pages: data!.pages.map((page) => ({ ...page, data: page.data.filter((v) => v.visitor_id !== cy.visitor_id) })),
    }));
    const event = await eventDuring('visitor.exit', () => server.api(`/v1/exit/${cy.visitor_id}`, { method: 'POST' }));
    applyDeskEvent(client, event);
    expect(client.getQueryState(visitorKeys.onSite())!.isInvalidated).toBe(true);
  });

  it('reads again one read at a time when told again and again, the last read after the last change', async () => {
    const observer = new InfiniteQueryObserver(client, onSiteQuery(server.token, true));
    const unsubscribe = observer.subscribe(() => undefined);
    const realFetch = globalThis.fetch;
    let reads = 0;
    globalThis.fetch = (input, init) => {
      if (typeof input === 'string' && input.startsWith('/v1/log/')) reads++;
      return realFetch(input, init);
    };
    try {
      // A company server's sites may each say so within one second.
      for (let i = 0; i < 20; i++) applyDeskEvent(client, { type: 'log.changed' });
      await server.api('/v1/add/', { method: 'POST', body: checkInForm(jpeg, { name: 'Eve Fifth' }) });
      applyDeskEvent(client, { type: 'log.changed' });
      await expect.poll(() => names(onSite()), { timeout: 10_000 }).toContain('Eve Fifth');
      await expect.poll(() => client.isFetching()).toBe(0);
      // One read, one after the burst, one after the last: never one started per event and cancelled.
      expect(reads).toBeLessThanOrEqual(3);
    } finally {
      globalThis.fetch = realFetch;
      unsubscribe();
    }
  });

  it('re-reads everything when another process says the data changed', () => {
    applyDeskEvent(client, { type: 'log.changed' });
    for (const key of [visitorKeys.onSite(), visitorKeys.log(''), visitorKeys.log('ada')]) {
      expect(client.getQueryState(key)!.isInvalidated).toBe(true);
    }
  });

  it('polls only while the events stream is down', () => {
    expect(onSiteQuery(server.token, true).refetchInterval).toBe(false);
    expect(onSiteQuery(server.token, false).refetchInterval).toBeGreaterThan(0);
    expect(logQuery(server.token, '', true).refetchInterval).toBe(false);
  });
});
