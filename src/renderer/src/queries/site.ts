import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type {
  CreateSiteRequest,
  InviteResponse,
  ListenAt,
  SiteResponse,
  SiteStatusResponse,
  SitesResponse,
} from '../../../shared/site';
import { ApiRequestError, apiJson } from '../lib/api';
import { adminKeys } from './admin';

/** How often the site's status is read again: "last heard" is only as fresh as this. */
const SITE_REFRESH_MS = 5_000;

export const siteKeys = {
  status: ['site'] as const,
  desks: () => [...adminKeys.all, 'site'] as const,
};

/** The site as every staff member sees it: the top bar's status and the roll call's "last heard". */
export function siteStatusQuery(token: string) {
  return queryOptions({
    queryKey: siteKeys.status,
    queryFn: async ({ signal }) => (await apiJson<SiteStatusResponse>('/v1/site', { token, signal })).data,
    refetchInterval: SITE_REFRESH_MS,
  });
}

/** The site's desks as an admin manages them; only for a desk that belongs to a site. */
export function siteDesksQuery(token: string) {
  return queryOptions({
    queryKey: siteKeys.desks(),
    queryFn: async ({ signal }) => (await apiJson<SiteResponse>('/v1/admin/site', { token, signal })).data,
    refetchInterval: SITE_REFRESH_MS,
  });
}

function useSiteMutation<Input, Output>(mutationFn: (input: Input) => Promise<Output>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: async () => {
      await client.invalidateQueries({ queryKey: siteKeys.status });
      await client.invalidateQueries({ queryKey: siteKeys.desks() });
    },
  });
}

export function useCreateSite(token: string) {
  return useSiteMutation((site: CreateSiteRequest) =>
    apiJson<SiteResponse>('/v1/admin/site', { method: 'POST', token, json: site }),
  );
}

export function useListenAt(token: string) {
  return useSiteMutation((listen: ListenAt) =>
    apiJson<SiteStatusResponse>('/v1/admin/site/listen', { method: 'PUT', token, json: listen }),
  );
}

/** A join code is made on request and shown once: nothing to refresh after it. */
export function useInvite(token: string) {
  return useMutation({
    mutationFn: async () => (await apiJson<InviteResponse>('/v1/admin/site/invite', { method: 'POST', token })).data,
  });
}

export function useRevokeDesk(token: string) {
  return useSiteMutation((deskId: string) =>
    apiJson<SiteResponse>(`/v1/admin/site/desks/${encodeURIComponent(deskId)}/revoke`, { method: 'POST', token }),
  );
}

export function useDeskAddress(token: string) {
  return useSiteMutation(({ deskId, address }: { deskId: string; address: string }) =>
    apiJson<SiteResponse>(`/v1/admin/site/desks/${encodeURIComponent(deskId)}/address`, {
      method: 'PUT',
      token,
      json: { address },
    }),
  );
}

/** Every desk of the site by ID, this one included; undefined for a desk on its own. */
export function useDeskNames(token: string): Map<string, string> | undefined {
  const status = useQuery(siteStatusQuery(token));
  const site = status.data?.site;
  return useMemo(
    () =>
      site
        ? new Map([[site.desk_id, site.desk_name], ...site.desks.map((desk) => [desk.desk_id, desk.name] as const)])
        : undefined,
    [site],
  );
}

/**
 * Every site a company server holds (GET /v1/sites), for the head-office view; null on a
 * desk, which has no such route: the view is offered only where the answer is a list.
 */
export function companySitesQuery(token: string) {
  return queryOptions({
    queryKey: ['company-sites'] as const,
    queryFn: async ({ signal }) => {
      try {
        return (await apiJson<SitesResponse>('/v1/sites', { token, signal })).data;
      } catch (error) {
        if (error instanceof ApiRequestError && error.status === 404) return null;
        throw error;
      }
    },
    refetchInterval: (query) => (query.state.data === null ? false : SITE_REFRESH_MS),
  });
}
