import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { VisiteeListResponse, Visitor, VisitorListResponse, VisitorLogResponse } from '../../../shared/api-types';
import { apiJson } from '../lib/api';

/**
 * Every visitor query key lives here, under the one prefix ['visitors'], so a check-in
 * or an exit refreshes all of them with a single invalidation.
 */
export const visitorKeys = {
  all: ['visitors'] as const,
  onSite: () => [...visitorKeys.all, 'on-site'] as const,
  log: (q: string) => [...visitorKeys.all, 'log', q] as const,
};

/** Another desk (or a script) may check people in and out: refresh while the log is open. */
export const LIVE_REFRESH_MS = 3000;

export function onSiteQuery(token: string) {
  return queryOptions({
    queryKey: visitorKeys.onSite(),
    queryFn: async ({ signal }) => {
      const body = await apiJson<VisitorListResponse>('/v1/get/', { token, signal });
      // The API lists oldest first; the desk shows whoever just arrived at the top.
      return body.data.slice().reverse();
    },
    refetchInterval: LIVE_REFRESH_MS,
  });
}

export function logQuery(token: string, q: string) {
  return infiniteQueryOptions({
    queryKey: visitorKeys.log(q),
    queryFn: ({ signal, pageParam }) => {
      const params = new URLSearchParams({ limit: '60' });
      if (q) params.set('q', q);
      if (pageParam) params.set('cursor', pageParam);
      return apiJson<VisitorLogResponse>(`/v1/log/?${params.toString()}`, { token, signal });
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    select: (data) => data.pages.flatMap((page) => page.data),
    refetchInterval: LIVE_REFRESH_MS,
  });
}

export function visiteesQuery(token: string) {
  return queryOptions({
    queryKey: ['visitees'] as const,
    queryFn: async ({ signal }) => (await apiJson<VisiteeListResponse>('/v1/get/visitee/', { token, signal })).data,
    staleTime: 5 * 60 * 1000,
  });
}

export type { Visitor };
