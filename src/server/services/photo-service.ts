import fs from 'node:fs/promises';
import { ApiError } from '../api-error';
import type { VisitorsRepository } from '../db/repositories/visitors';
import { isVisitorId } from '../ids';
import { CONTENT_TYPE } from '../media/image-format';
import type { PhotoKind, PhotoStore } from '../photos/photo-store';

export interface PhotoFile {
  path: string;
  contentType: string;
  etag: string;
  size: number;
}

/**
 * Finds a visitor's photo on disk. Photos stay after the visitor leaves (the log shows
 * history); 4515 means the visitor exists but the image does not (never taken, or removed).
 */
export function photoService(deps: { visitors: VisitorsRepository; store: PhotoStore }) {
  return {
    async find(visitorId: string, kind: PhotoKind): Promise<PhotoFile> {
      // Checked before any query or path: "../" and friends never reach the disk.
      const record = isVisitorId(visitorId) ? deps.visitors.byId(visitorId) : undefined;
      if (!record) throw new ApiError('3404', 'There is no visitor with that ID.');
      if (!record.photo_format || !record.photo_etag || !record.thumb_etag) throw new ApiError('4515');
      const path = deps.store.pathOf(visitorId, kind, record.photo_format);
      const stat = await fs.stat(path).catch(() => null);
      if (!stat?.isFile()) throw new ApiError('4515');
      return kind === 'thumb'
        ? { path, contentType: 'image/jpeg', etag: record.thumb_etag, size: stat.size }
        : { path, contentType: CONTENT_TYPE[record.photo_format], etag: record.photo_etag, size: stat.size };
    },
  };
}

export type PhotoService = ReturnType<typeof photoService>;
