import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { VisiteeListResponse, VisitorLogResponse } from '../../../shared/api-types';
import { apiJson } from '../lib/api';

/**
 * Every visitor query key lives here, under the one prefix ['visitors'], so a check-in
 * or an exit refreshes all of them with a single invalidation.
 */
export const visitorKeys = {
  all: ['visitors'] as const,
  onSite: () => [...visitorKeys.all, 'on-site'] as const,
  /** The whole log and every search of it. */
  logs: () => [...visitorKeys.all, 'log'] as const,
  log: (q: string) => [...visitorKeys.logs(), q] as const,
};

/**
 * Changes arrive pushed through GET /v1/events (queries/live.ts); only while that stream
 * is down does the desk look for them itself, at this pace, and only on the first page.
 */
export const FALLBACK_REFRESH_MS = 5000;

function logPage(token: string, filter: Record<string, string>, cursor: string, signal: AbortSignal) {
  const params = new URLSearchParams({ limit: '60', ...filter });
  if (cursor) params.set('cursor', cursor);
  return apiJson<VisitorLogResponse>(`/v1/log/?${params.toString()}`, { token, signal });
}

/**
 * Whoever is on the premises, newest arrival first, a page at a time: a busy site can
 * have thousands on site, and the first screen should not wait for all of them.
 */
export function onSiteQuery(token: string, live: boolean) {
  return infiniteQueryOptions({
    queryKey: visitorKeys.onSite(),
    queryFn: ({ signal, pageParam }) => logPage(token, { on_site: '1' }, pageParam, signal),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    select: (data) => ({
      visitors: data.pages.flatMap((page) => page.data),
      count: data.pages[0]?.on_site_count ?? 0,
    }),
    refetchInterval: live ? false : FALLBACK_REFRESH_MS,
  });
}

export function logQuery(token: string, q: string, live: boolean) {
  return infiniteQueryOptions({
    queryKey: visitorKeys.log(q),
    queryFn: ({ signal, pageParam }) => logPage(token, q ? { q } : {}, pageParam, signal),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    select: (data) => data.pages.flatMap((page) => page.data),
    refetchInterval: live ? false : FALLBACK_REFRESH_MS,
  });
}

export function visiteesQuery(token: string) {
  return queryOptions({
    queryKey: ['visitees'] as const,
    queryFn: async ({ signal }) => (await apiJson<VisiteeListResponse>('/v1/get/visitee/', { token, signal })).data,
    staleTime: 5 * 60 * 1000,
  });
}
