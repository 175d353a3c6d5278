import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { VisiteeListResponse, Visitor, VisitorLogResponse } from '../../../shared/api-types';
import { apiJson } from '../lib/api';

/**
 * Every visitor query key lives here, under the one prefix ['visitors'], so a check-in
 * or an exit refreshes all of them with a single invalidation.
 */
export const visitorKeys = {
  all: ['visitors'] as const,
  onSite: () => [...visitorKeys.all, 'on-site'] as const,
  /** The whole log and every search and date range of it. */
  logs: () => [...visitorKeys.all, 'log'] as const,
  log: (q: string, range: DateRange = {}) =>
    [...visitorKeys.logs(), q, range.from ?? '', range.to ?? '', range.typeId ?? 0, range.siteId ?? ''] as const,
};

/**
 * Days of entry, inclusive, YYYY-MM-DD; either end may be open; one visitor type, or all;
 * and on a company server one site, or all.
 */
export interface DateRange {
  from?: string | undefined;
  to?: string | undefined;
  typeId?: number | undefined;
  siteId?: string | undefined;
}

/** The query string of a log filter, for a page of it and for its CSV export alike. */
export function logFilterParams(q: string, range: DateRange): Record<string, string> {
  return {
    ...(q ? { q } : {}),
    ...(range.from ? { from: range.from } : {}),
    ...(range.to ? { to: range.to } : {}),
    ...(range.typeId ? { type_id: String(range.typeId) } : {}),
    ...(range.siteId ? { site_id: range.siteId } : {}),
  };
}

/**
 * Changes arrive pushed through GET /v1/events (queries/live.ts); only while that stream
 * is down does the desk look for them itself, at this pace, and only on the first page.
 */
export const FALLBACK_REFRESH_MS = 5000;

/**
 * 120 visitors a page: a whole number of rows at 1, 2, 3, 4, 5, 6, 8, 10 or 12 columns, so
 * when a page above is let go, the grid moves by whole rows. At most 10 pages are kept
 * (1,200 visitors); scrolling back up reads the dropped ones again with prev_cursor.
 */
const PAGE_SIZE = 120;
const MAX_PAGES = 10;

function logPage(token: string, filter: Record<string, string>, cursor: string, signal: AbortSignal) {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE), ...filter });
  if (cursor) params.set('cursor', cursor);
  return apiJson<VisitorLogResponse>(`/v1/log/?${params.toString()}`, { token, signal });
}

/**
 * Whoever is on the premises, newest arrival first, a page at a time: a busy site can
 * have thousands on site, and the first screen should not wait for all of them.
 */
/** What the desk shows of one paged list: the visitors held, and whether more lie above or below. */
export interface PagedVisitors {
  visitors: Visitor[];
  /** With on_site=1: everyone on the premises, held or not. */
  count: number;
}

/**
 * `merged`: head office's list of every site (a company server), which is read forward only
 * (no prev_cursor): every page read is kept, or the top could not be read again.
 */
function pagedLog(
  token: string,
  key: readonly unknown[],
  filter: Record<string, string>,
  live: boolean,
  merged: boolean,
) {
  return infiniteQueryOptions({
    queryKey: key,
    queryFn: ({ signal, pageParam }) => logPage(token, filter, pageParam, signal),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    getPreviousPageParam: (first) => first.prev_cursor ?? undefined,
    ...(merged ? {} : { maxPages: MAX_PAGES }),
    select: (data): PagedVisitors => ({
      visitors: data.pages.flatMap((page) => page.data),
      count: data.pages[0]?.on_site_count ?? 0,
    }),
    refetchInterval: live ? false : FALLBACK_REFRESH_MS,
  });
}

export function onSiteQuery(token: string, live: boolean, merged = false) {
  return pagedLog(token, visitorKeys.onSite(), { on_site: '1' }, live, merged);
}

export function logQuery(token: string, q: string, live: boolean, range: DateRange = {}, merged = false) {
  return pagedLog(token, visitorKeys.log(q, range), logFilterParams(q, range), live, merged);
}

export function visiteesQuery(token: string) {
  return queryOptions({
    queryKey: ['visitees'] as const,
    queryFn: async ({ signal }) => (await apiJson<VisiteeListResponse>('/v1/get/visitee/', { token, signal })).data,
    staleTime: 5 * 60 * 1000,
  });
}
