import { infiniteQueryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { NoticeListResponse, NoticeStatus, TestMessageResponse } from '../../../shared/notifications';
import { apiJson } from '../lib/api';
import { adminKeys } from './admin';
import { visitorKeys } from './visitors';

/** This desk's notices, newest first, 50 a page; refreshed every few seconds while shown (they change as they are sent). */
export function noticesQuery(token: string, status: NoticeStatus | undefined) {
  return infiniteQueryOptions({
    queryKey: [...adminKeys.all, 'notices', status ?? 'all'] as const,
    queryFn: ({ signal, pageParam }) => {
      const query = new URLSearchParams(status ? { status } : {});
      if (pageParam) query.set('cursor', pageParam);
      return apiJson<NoticeListResponse>(`/v1/admin/notifications?${query.toString()}`, { token, signal });
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    select: (data) => data.pages.flatMap((page) => page.data),
    refetchInterval: 5_000,
  });
}

/** "Retry now": the notice is sent at once; its visitor's card shows the outcome. */
export function useRetryNotice(token: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (noticeId: number) => apiJson(`/v1/admin/notifications/${noticeId}/retry`, { method: 'POST', token }),
    onSettled: async () => {
      await client.invalidateQueries({ queryKey: [...adminKeys.all, 'notices'] });
      await client.invalidateQueries({ queryKey: visitorKeys.all });
    },
  });
}

export function useSendTestMessage(token: string) {
  return useMutation({
    mutationFn: async (to: string) =>
      (await apiJson<TestMessageResponse>('/v1/admin/notifications/test', { method: 'POST', token, json: { to } }))
        .data,
  });
}
