import { queryOptions, type QueryCache } from '@tanstack/react-query';
import { apiBlob } from '../lib/api';

/**
 * Photos asked for with the Authorization header, which <img src> cannot send: the full
 * photo always (each view is audited), and a thumbnail only when its signed URL is missing
 * or refused (Thumbnail.tsx). Each is fetched as a blob and shown through an object URL.
 * A photo never changes under its ID, so the URL is kept for as long as React Query keeps
 * the entry (staleTime Infinity) and revoked when the entry is garbage-collected (see
 * revokeObjectUrlsOnRemoval).
 */
export const photoKeys = {
  thumb: (id: string) => ['photo', 'thumb', id] as const,
  full: (id: string) => ['photo', 'full', id] as const,
};

const OBJECT_URL_META = { objectUrl: true } as const;

export function thumbQuery(token: string, visitorId: string) {
  return queryOptions({
    queryKey: photoKeys.thumb(visitorId),
    queryFn: async ({ signal }) =>
      URL.createObjectURL(await apiBlob(`/v1/photo/thumb/${visitorId}`, { token, signal })),
    staleTime: Infinity,
    // Off-screen thumbnails go after a minute; scrolling back re-reads them from the HTTP cache.
    gcTime: 60 * 1000,
    meta: OBJECT_URL_META,
  });
}

export function fullPhotoQuery(token: string, visitorId: string) {
  return queryOptions({
    queryKey: photoKeys.full(visitorId),
    queryFn: async ({ signal }) => URL.createObjectURL(await apiBlob(`/v1/photo/${visitorId}`, { token, signal })),
    staleTime: Infinity,
    // Full photos are large: drop them soon after the viewer closes.
    gcTime: 10 * 1000,
    meta: OBJECT_URL_META,
  });
}

export function revokeObjectUrlsOnRemoval(cache: QueryCache): () => void {
  return cache.subscribe((event) => {
    if (event.type !== 'removed' || !event.query.meta?.objectUrl) return;
    const url: unknown = event.query.state.data;
    if (typeof url === 'string') URL.revokeObjectURL(url);
  });
}
