import type { InfiniteData, QueryClient } from '@tanstack/react-query';
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

/** Takes a visitor off "On site now" (an exit recorded here, or seen from elsewhere). */
export function removeFromOnSite(client: QueryClient, visitorId: string): void {
  client.setQueryData<LogPages>(visitorKeys.onSite(), (data) => data && remove(data, visitorId));
}

/**
 * The last word the server sent about one person, kept apart from the lists: a visitor
 * who left "On site now" is still the person the viewer is showing.
 */
export const latestVisitorKey = (visitorId: string) => ['visitor-latest', visitorId] as const;

export function applyDeskEvent(client: QueryClient, event: DeskEvent): void {
  switch (event.type) {
    case 'visitor.checkin':
      client.setQueryData(latestVisitorKey(event.visitor_id), event.visitor);
      client.setQueryData<LogPages>(visitorKeys.onSite(), (data) => data && prepend(data, event.visitor, 1));
      client.setQueryData<LogPages>(visitorKeys.log(''), (data) => data && prepend(data, event.visitor, 0));
      // Whether the newcomer matches a search or a date range only the server can say.
      void client.invalidateQueries({ queryKey: visitorKeys.logs(), predicate: isFiltered });
      return;
    case 'visitor.exit':
    case 'visitor.erased':
      client.setQueryData(latestVisitorKey(event.visitor_id), event.visitor);
      // An exit leaves "On site now"; an erasure changes the person wherever they are listed.
      if (event.type === 'visitor.exit') removeFromOnSite(client, event.visitor_id);
      for (const [key] of client.getQueriesData<LogPages>({ queryKey: visitorKeys.all })) {
        client.setQueryData<LogPages>(key, (data) => data && replace(data, event.visitor));
      }
      return;
    case 'visitor.updated': {
      client.setQueryData(latestVisitorKey(event.visitor_id), event.visitor);
      for (const [key] of client.getQueriesData<LogPages>({ queryKey: visitorKeys.all })) {
        client.setQueryData<LogPages>(key, (data) => data && replace(data, event.visitor));
      }
      // Back on site after an exit undone: its place in the list is the server's to say.
      const onSite = client.getQueryData<LogPages>(visitorKeys.onSite());
      if (event.visitor.exit_time === null && onSite && !contains(onSite, event.visitor_id)) {
        void client.invalidateQueries({ queryKey: visitorKeys.onSite() });
      }
      // A corrected name may match a search, or no longer: only the server can say.
      void client.invalidateQueries({ queryKey: visitorKeys.logs(), predicate: isFiltered });
      return;
    }
    case 'expected.changed':
      void client.invalidateQueries({ queryKey: expectedKeys.all });
      return;
    case 'evacuation.changed':
      void client.invalidateQueries({ queryKey: evacuationKeys.all });
      return;
    case 'log.changed':
      void client.invalidateQueries({ queryKey: visitorKeys.all });
      void client.invalidateQueries({ queryKey: expectedKeys.all });
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
