import { queryOptions } from '@tanstack/react-query';
import type {
  AgreementListResponse,
  AgreementPatch,
  AgreementResponse,
  NewAgreement,
} from '../../../shared/agreements';
import type { ReturningResponse } from '../../../shared/returning';
import type {
  VisitorTypeFields,
  VisitorTypeListResponse,
  VisitorTypePatch,
  VisitorTypeResponse,
} from '../../../shared/visitor-types';
import type {
  WatchEntryFields,
  WatchEntryPatch,
  WatchEntryResponse,
  WatchListResponse,
} from '../../../shared/watchlist';
import { apiJson } from '../lib/api';
import { adminKeys, useAdminMutation } from './admin';

/** What check-in reads of API contract Part 5, under ['checkin'] (refreshed by every admin change). */
export const checkinKeys = {
  all: ['checkin'] as const,
  types: () => [...checkinKeys.all, 'types'] as const,
  agreement: (agreementId: number) => [...checkinKeys.all, 'agreement', agreementId] as const,
  returning: (q: string) => [...checkinKeys.all, 'returning', q] as const,
};

export function visitorTypesQuery(token: string) {
  return queryOptions({
    queryKey: checkinKeys.types(),
    queryFn: async ({ signal }) =>
      (await apiJson<VisitorTypeListResponse>('/v1/visitor-types', { token, signal })).data,
    staleTime: 60_000,
  });
}

/**
 * An agreement at its current version: read afresh each time a visitor is about to sign it,
 * never shown from an earlier reading (gcTime 0: nothing is kept once the dialog closes).
 */
export function agreementQuery(token: string, agreementId: number) {
  return queryOptions({
    queryKey: checkinKeys.agreement(agreementId),
    queryFn: async ({ signal }) =>
      (await apiJson<AgreementResponse>(`/v1/agreements/${agreementId}`, { token, signal })).data,
    staleTime: 0,
    gcTime: 0,
  });
}

export function returningQuery(token: string, q: string) {
  return queryOptions({
    queryKey: checkinKeys.returning(q),
    queryFn: async ({ signal }) =>
      (await apiJson<ReturningResponse>(`/v1/returning?${new URLSearchParams({ q }).toString()}`, { token, signal }))
        .data,
    staleTime: 30_000,
  });
}

export function agreementsQuery(token: string) {
  return queryOptions({
    queryKey: [...adminKeys.all, 'agreements'] as const,
    queryFn: async ({ signal }) =>
      (await apiJson<AgreementListResponse>('/v1/admin/agreements', { token, signal })).data,
  });
}

export function watchlistQuery(token: string) {
  return queryOptions({
    queryKey: [...adminKeys.all, 'watchlist'] as const,
    queryFn: async ({ signal }) => (await apiJson<WatchListResponse>('/v1/admin/watchlist', { token, signal })).data,
  });
}

export function useAddVisitorType(token: string) {
  return useAdminMutation((type: VisitorTypeFields) =>
    apiJson<VisitorTypeResponse>('/v1/admin/visitor-types', { method: 'POST', token, json: type }),
  );
}

export function useChangeVisitorType(token: string) {
  return useAdminMutation(({ typeId, patch }: { typeId: number; patch: VisitorTypePatch }) =>
    apiJson<VisitorTypeResponse>(`/v1/admin/visitor-types/${typeId}`, { method: 'PATCH', token, json: patch }),
  );
}

export function useAddAgreement(token: string) {
  return useAdminMutation((agreement: NewAgreement) =>
    apiJson<AgreementResponse>('/v1/admin/agreements', { method: 'POST', token, json: agreement }),
  );
}

export function useChangeAgreement(token: string) {
  return useAdminMutation(({ agreementId, patch }: { agreementId: number; patch: AgreementPatch }) =>
    apiJson<AgreementResponse>(`/v1/admin/agreements/${agreementId}`, { method: 'PATCH', token, json: patch }),
  );
}

export function useAddWatchEntry(token: string) {
  return useAdminMutation((entry: WatchEntryFields) =>
    apiJson<WatchEntryResponse>('/v1/admin/watchlist', { method: 'POST', token, json: entry }),
  );
}

export function useChangeWatchEntry(token: string) {
  return useAdminMutation(({ entryId, patch }: { entryId: number; patch: WatchEntryPatch }) =>
    apiJson<WatchEntryResponse>(`/v1/admin/watchlist/${entryId}`, { method: 'PATCH', token, json: patch }),
  );
}

export function useRemoveWatchEntry(token: string) {
  return useAdminMutation((entryId: number) =>
    apiJson<{ success: true }>(`/v1/admin/watchlist/${entryId}`, { method: 'DELETE', token }),
  );
}
