import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { HostImportResponse, HostListResponse, HostPatch, HostResponse } from '../../../shared/hosts';
import type { HostFields } from '../../../shared/hosts';
import type { SettingsPatch, SettingsResponse } from '../../../shared/settings';
import type { MeResponse, NewStaff, StaffListResponse, StaffPatch, StaffResponse } from '../../../shared/staff';
import { apiJson } from '../lib/api';

/** The admin area's data, under ['admin'], and who the signed-in account is. */
export const adminKeys = {
  all: ['admin'] as const,
  staff: () => [...adminKeys.all, 'staff'] as const,
  hosts: () => [...adminKeys.all, 'hosts'] as const,
  settings: () => [...adminKeys.all, 'settings'] as const,
};

export function meQuery(token: string) {
  return queryOptions({
    queryKey: ['me'] as const,
    queryFn: async ({ signal }) => (await apiJson<MeResponse>('/v1/me', { token, signal })).data,
    // A role changed by another admin shows within a minute; the server decides every request anyway.
    staleTime: 60_000,
    refetchInterval: 60_000,
  });
}

export function staffQuery(token: string) {
  return queryOptions({
    queryKey: adminKeys.staff(),
    queryFn: async ({ signal }) => (await apiJson<StaffListResponse>('/v1/admin/users', { token, signal })).data,
  });
}

export function hostsQuery(token: string) {
  return queryOptions({
    queryKey: adminKeys.hosts(),
    queryFn: async ({ signal }) => (await apiJson<HostListResponse>('/v1/admin/visitees', { token, signal })).data,
  });
}

export function settingsQuery(token: string) {
  return queryOptions({
    queryKey: adminKeys.settings(),
    queryFn: async ({ signal }) => (await apiJson<SettingsResponse>('/v1/admin/settings', { token, signal })).data,
  });
}

/** A change in the admin area refreshes its lists, and the hosts and types check-in offers. */
export function useAdminMutation<Input, Output>(mutationFn: (input: Input) => Promise<Output>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: async () => {
      await client.invalidateQueries({ queryKey: adminKeys.all });
      await client.invalidateQueries({ queryKey: ['visitees'] });
      await client.invalidateQueries({ queryKey: ['checkin'] });
    },
  });
}

export function useAddStaff(token: string) {
  return useAdminMutation((staff: NewStaff) =>
    apiJson<StaffResponse>('/v1/admin/users', { method: 'POST', token, json: staff }),
  );
}

export function useChangeStaff(token: string) {
  return useAdminMutation(({ userId, patch }: { userId: number; patch: StaffPatch }) =>
    apiJson<StaffResponse>(`/v1/admin/users/${userId}`, { method: 'PATCH', token, json: patch }),
  );
}

export function useAddHost(token: string) {
  return useAdminMutation((host: Partial<HostFields> & { name: string }) =>
    apiJson<HostResponse>('/v1/admin/visitees', { method: 'POST', token, json: host }),
  );
}

export function useChangeHost(token: string) {
  return useAdminMutation(({ visiteeNo, patch }: { visiteeNo: number; patch: HostPatch }) =>
    apiJson<HostResponse>(`/v1/admin/visitees/${visiteeNo}`, { method: 'PATCH', token, json: patch }),
  );
}

/** Sends a host file; with `dryRun` the server answers what would happen and changes nothing. */
export function importHosts(token: string, file: Blob, dryRun: boolean) {
  return apiJson<HostImportResponse>(`/v1/admin/visitees/import${dryRun ? '?dry_run=1' : ''}`, {
    method: 'POST',
    token,
    body: file,
    contentType: 'text/csv',
  });
}

export function useImportHosts(token: string) {
  return useAdminMutation((file: Blob) => importHosts(token, file, false));
}

export function useChangeSettings(token: string) {
  return useAdminMutation((patch: SettingsPatch) =>
    apiJson<SettingsResponse>('/v1/admin/settings', { method: 'PATCH', token, json: patch }),
  );
}
