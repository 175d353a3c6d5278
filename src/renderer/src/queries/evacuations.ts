import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { EvacuationKind, EvacuationListResponse, EvacuationResponse } from '../../../shared/evacuation';
import { apiJson } from '../lib/api';

/** Every roll-call query lives under ['evacuations']: the events stream refreshes them all at once. */
export const evacuationKeys = {
  all: ['evacuations'] as const,
  list: () => [...evacuationKeys.all, 'list'] as const,
  one: (id: number) => [...evacuationKeys.all, id] as const,
};

export function evacuationsQuery(token: string) {
  return queryOptions({
    queryKey: evacuationKeys.list(),
    queryFn: async ({ signal }) => (await apiJson<EvacuationListResponse>('/v1/evacuations/', { token, signal })).data,
  });
}

export function evacuationQuery(token: string, id: number) {
  return queryOptions({
    queryKey: evacuationKeys.one(id),
    queryFn: async ({ signal }) => (await apiJson<EvacuationResponse>(`/v1/evacuations/${id}`, { token, signal })).data,
  });
}

export function useStartEvacuation(token: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (kind: EvacuationKind) =>
      (await apiJson<EvacuationResponse>('/v1/evacuations/', { method: 'POST', token, json: { kind } })).data,
    onSuccess: (evacuation) => {
      client.setQueryData(evacuationKeys.one(evacuation.evacuation_id), evacuation);
      void client.invalidateQueries({ queryKey: evacuationKeys.list() });
    },
  });
}

/** Marks a person safe or not; the answer is the whole roll as the server now has it. */
export function useMarkAccounted(token: string, id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ visitorId, safe }: { visitorId: string; safe: boolean }) =>
      (
        await apiJson<EvacuationResponse>(`/v1/evacuations/${id}/accounted/${visitorId}`, {
          method: safe ? 'POST' : 'DELETE',
          token,
        })
      ).data,
    // Several marks may be on their way at once: the roll is read again when the last lands,
    // rather than each answer overwriting the others with its own moment.
    onSettled: () => client.invalidateQueries({ queryKey: evacuationKeys.one(id) }),
  });
}

export function useCloseEvacuation(token: string, id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () =>
      (await apiJson<EvacuationResponse>(`/v1/evacuations/${id}/close`, { method: 'POST', token })).data,
    onSuccess: (evacuation) => {
      client.setQueryData(evacuationKeys.one(id), evacuation);
      void client.invalidateQueries({ queryKey: evacuationKeys.list() });
    },
  });
}
