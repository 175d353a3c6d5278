import { infiniteQueryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { AuditAction, AuditPageResponse, EraseResponse } from '../../../shared/audit';
import { apiJson } from '../lib/api';
import { adminKeys } from './admin';
import { visitorKeys } from './visitors';

export interface AuditFilter {
  visitor_id?: string | undefined;
  /** A user_id, or "system". */
  account?: string | undefined;
  action?: AuditAction | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** The trail, newest first, 100 entries a page, read further as the list scrolls. */
export function auditQuery(token: string, filter: AuditFilter) {
  const params = Object.fromEntries(Object.entries(filter).filter(([, value]) => value)) as Record<string, string>;
  return infiniteQueryOptions({
    queryKey: [...adminKeys.all, 'audit', params] as const,
    queryFn: ({ signal, pageParam }) => {
      const query = new URLSearchParams({ limit: '100', ...params });
      if (pageParam) query.set('cursor', pageParam);
      return apiJson<AuditPageResponse>(`/v1/admin/audit/?${query.toString()}`, { token, signal });
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    select: (data) => data.pages.flatMap((page) => page.data),
  });
}

/** Erases a visitor; every list showing them is read again (the event stream also tells other desks). */
export function useEraseVisitor(token: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ visitorId, reason }: { visitorId: string; reason: string }) =>
      apiJson<EraseResponse>(`/v1/admin/visitors/${visitorId}/erase`, { method: 'POST', token, json: { reason } }),
    onSettled: async () => {
      await client.invalidateQueries({ queryKey: visitorKeys.all });
      await client.invalidateQueries({ queryKey: adminKeys.all });
    },
  });
}
