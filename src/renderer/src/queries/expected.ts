import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { ExpectedListResponse, ExpectedResponse, NewExpected } from '../../../shared/expected';
import { apiJson } from '../lib/api';

/** Every expected-visit query lives under ['expected'], so one invalidation refreshes them all. */
export const expectedKeys = {
  all: ['expected'] as const,
  day: (date: string) => [...expectedKeys.all, date] as const,
};

export function expectedQuery(token: string, date: string) {
  return queryOptions({
    queryKey: expectedKeys.day(date),
    queryFn: async ({ signal }) =>
      (await apiJson<ExpectedListResponse>(`/v1/expected/?date=${date}`, { token, signal })).data,
  });
}

export function useExpectVisitor(token: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (visit: NewExpected) =>
      (await apiJson<ExpectedResponse>('/v1/expected/', { method: 'POST', token, json: visit })).data,
    onSuccess: () => client.invalidateQueries({ queryKey: expectedKeys.all }),
  });
}

export function useCancelExpected(token: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (expectedId: number) =>
      (await apiJson<ExpectedResponse>(`/v1/expected/${expectedId}`, { method: 'DELETE', token })).data,
    onSettled: () => client.invalidateQueries({ queryKey: expectedKeys.all }),
  });
}
