import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { ExpectedListResponse, ExpectedResponse, NewExpected } from '../../../shared/expected';
import { apiJson } from '../lib/api';

/** Every expected-visit query lives under ['expected'], so one invalidation refreshes them all. */
export const expectedKeys = {
  all: ['expected'] as const,
  days: (from: string, to: string) => [...expectedKeys.all, from, to] as const,
};

/** The expected visits of the days from `from` to `to` (one day when they are the same). */
export function expectedQuery(token: string, from: string, to: string = from) {
  return queryOptions({
    queryKey: expectedKeys.days(from, to),
    queryFn: async ({ signal }) =>
      (await apiJson<ExpectedListResponse>(`/v1/expected/?from=${from}&to=${to}`, { token, signal })).data,
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
