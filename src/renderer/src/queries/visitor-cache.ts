import type { InfiniteData, InvalidateQueryFilters, QueryClient } from '@tanstack/react-query';
import type { Visitor, VisitorLogResponse } from '../../../shared/api-types';
import type { DeskEvent } from '../../../shared/events';
import { evacuationKeys } from './evacuations';
import { expectedKeys } from './expected';
import { visitorKeys } from './visitors';

/**
 * How a change that happened somewhere (this desk, another desk, a script) reaches the
 * cached log without asking the server again. Every function keys visitors by ID, so a
 * change applied twice (an optimistic update, then the server's event) is applied once.
 */
export type LogPages = InfiniteData<VisitorLogResponse, string>;

function mapPages(data: LogPages, page: (page: VisitorLogResponse, index: number) => VisitorLogResponse): LogPages {
  return { ...data, pages: data.pages.map(page) };
}

function contains(data: LogPages, visitorId: string): boolean {
  return data.pages.some((page) => page.data.some((visitor) => visitor.visitor_id === visitorId));
}

/**
 * A new arrival is the newest entry: it goes first, once, if the first page held is the
 * top of the list; otherwise it is read with the pages above when the desk scrolls up.
 */
function prepend(data: LogPages, visitor: Visitor, countDelta: number): LogPages {
  if (contains(data, visitor.visitor_id)) return replace(data, visitor);
  const atTop = data.pages[0]?.prev_cursor === null;
  return mapPages(data, (page, index) => ({
    ...page,
    data: index === 0 && atTop ? [visitor, ...page.data] : page.data,
    ...(page.on_site_count === undefined ? {} : { on_site_count: page.on_site_count + countDelta }),
  }));
}

function replace(data: LogPages, visitor: Visitor): LogPages {
  if (!contains(data, visitor.visitor_id)) return data;
  return mapPages(data, (page) => ({
    ...page,
    data: page.data.map((old) => (old.visitor_id === visitor.visitor_id ? visitor : old)),
  }));
}

function remove(data: LogPages, visitorId: string): LogPages {
  if (!contains(data, visitorId)) return data;
  return mapPages(data, (page) => ({
    ...page,
    data: page.data.filter((visitor) => visitor.visitor_id !== visitorId),
    ...(page.on_site_count === undefined ? {} : { on_site_count: page.on_site_count - 1 }),
  }));
}

/** Visitors taken off "On site now" here, whose exit event is still to come: it finds them gone. */
const takenOff = new WeakMap<QueryClient, Set<string>>();
const TAKEN_OFF_MAX = 1000;

/** Takes a visitor off "On site now" for an exit recorded here, before its event comes. */
export function removeFromOnSite(client: QueryClient, visitorId: string): void {
  let taken = takenOff.get(client);
  if (!taken) takenOff.set(client, (taken = new Set()));
  taken.add(visitorId);
  if (taken.size > TAKEN_OFF_MAX) taken.delete(taken.values().next().value!);
  client.setQueryData<LogPages>(visitorKeys.onSite(), (data) => data && remove(data, visitorId));
}

/**
 * An exit's event: off "On site now" if it is held. One neither held nor taken off here (one
 * of thousands on the premises, below the pages held) changes how many are left, which only
 * the server can say.
 */
function leftOnSite(client: QueryClient, visitorId: string): void {
  const onSite = client.getQueryData<LogPages>(visitorKeys.onSite());
  if (!onSite) return;
  if (contains(onSite, visitorId)) client.setQueryData<LogPages>(visitorKeys.onSite(), remove(onSite, visitorId));
  else if (!takenOff.get(client)?.delete(visitorId)) reread(client, 'on-site', { queryKey: visitorKeys.onSite() });
}

/**
 * The last word the server sent about one person, kept apart from the lists: a visitor
 * who left "On site now" is still the person the viewer is showing.
 */
export const latestVisitorKey = (visitorId: string) => ['visitor-latest', visitorId] as const;

const rereads = new WeakMap<QueryClient, Map<string, { again: boolean }>>();

/**
 * Reads again what `filters` names, one re-read of each kind at a time. Events can say "read
 * again" every second (a company server's sites), and a re-read of many pages cancelled by
 * the next one would never finish: one asked for while a re-read runs waits for it, then one
 * more follows. A read already running when asked (a page scrolled to) may predate the change,
 * so one more follows it too.
 */
function reread(client: QueryClient, kind: string, ...filters: InvalidateQueryFilters[]): void {
  let running = rereads.get(client);
  if (!running) rereads.set(client, (running = new Map<string, { again: boolean }>()));
  const current = running.get(kind);
  if (current) {
    current.again = true;
    return;
  }
  const state = { again: filters.some((filter) => client.isFetching(filter) > 0) };
  running.set(kind, state);
  const started = Date.now();
  void Promise.allSettled(filters.map((filter) => client.invalidateQueries(filter, { cancelRefetch: false }))).then(
    () => {
      running.delete(kind);
      // A re-read cancelled by another read (a page scrolled to) leaves its query stale
      // without an error: it is read again. One that failed waits for the next word.
      const cancelled = filters.some((filter) =>
        client
          .getQueryCache()
          .findAll({ ...filter, type: 'active' })
          .some((query) => query.state.isInvalidated && query.state.errorUpdatedAt < started),
      );
      if (state.again || cancelled) reread(client, kind, ...filters);
    },
  );
}

export function applyDeskEvent(client: QueryClient, event: DeskEvent): void {
  switch (event.type) {
    case 'visitor.checkin':
      client.setQueryData(latestVisitorKey(event.visitor_id), event.visitor);
      client.setQueryData<LogPages>(visitorKeys.onSite(), (data) => data && prepend(data, event.visitor, 1));
      client.setQueryData<LogPages>(visitorKeys.log(''), (data) => data && prepend(data, event.visitor, 0));
      // Whether the newcomer matches a search or a date range only the server can say.
      reread(client, 'filtered', { queryKey: visitorKeys.logs(), predicate: isFiltered });
      return;
    case 'visitor.exit':
    case 'visitor.erased':
      client.setQueryData(latestVisitorKey(event.visitor_id), event.visitor);
      // An erasure changes the person wherever they are listed; an exit leaves "On site now"
      // (after the lists are written: writing one ends a re-read asked of it).
      for (const [key] of client.getQueriesData<LogPages>({ queryKey: visitorKeys.all })) {
        client.setQueryData<LogPages>(key, (data) => data && replace(data, event.visitor));
      }
      if (event.type === 'visitor.exit') leftOnSite(client, event.visitor_id);
      return;
    case 'visitor.updated': {
      client.setQueryData(latestVisitorKey(event.visitor_id), event.visitor);
      for (const [key] of client.getQueriesData<LogPages>({ queryKey: visitorKeys.all })) {
        client.setQueryData<LogPages>(key, (data) => data && replace(data, event.visitor));
      }
      // Back on site after an exit undone: its place in the list is the server's to say.
      const onSite = client.getQueryData<LogPages>(visitorKeys.onSite());
      if (event.visitor.exit_time === null && onSite && !contains(onSite, event.visitor_id)) {
        reread(client, 'on-site', { queryKey: visitorKeys.onSite() });
      }
      // A corrected name may match a search, or no longer: only the server can say.
      reread(client, 'filtered', { queryKey: visitorKeys.logs(), predicate: isFiltered });
      return;
    }
    case 'expected.changed':
      reread(client, 'expected', { queryKey: expectedKeys.all });
      return;
    case 'evacuation.changed':
      void client.invalidateQueries({ queryKey: evacuationKeys.all });
      return;
    case 'log.changed':
      reread(client, 'all', { queryKey: visitorKeys.all }, { queryKey: expectedKeys.all });
      return;
  }
}

const WHOLE_LOG = JSON.stringify(visitorKeys.log(''));
const isFiltered = (query: { queryKey: readonly unknown[] }): boolean => JSON.stringify(query.queryKey) !== WHOLE_LOG;

/** The freshest copy of a visitor in any cached list: the viewer follows a person, not a list. */
export function findCachedVisitor(client: QueryClient, visitorId: string): Visitor | undefined {
  const latest = client.getQueryData<Visitor>(latestVisitorKey(visitorId));
  if (latest) return latest;
  let found: Visitor | undefined;
  for (const [, data] of client.getQueriesData<LogPages>({ queryKey: visitorKeys.all })) {
    const match = data?.pages.flatMap((page) => page.data).find((visitor) => visitor.visitor_id === visitorId);
    // The log knows about exits the on-site list has dropped: prefer the copy that left.
    if (match && (!found || (found.exit_time === null && match.exit_time !== null))) found = match;
  }
  return found;
}
