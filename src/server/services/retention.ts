import type { VisitorsRepository } from '../db/repositories/visitors';
import { logger } from '../log';
import type { PhotoStore } from '../photos/photo-store';

const log = logger('retention');
const DAY = 24 * 60 * 60 * 1000;
const BATCH = 500;

/**
 * Faces are personal data: the photos of visitors who left more than `days` ago are
 * deleted (the visit itself stays in the log, and its photo answers 4515). Files go
 * first, then the row: a crash in between leaves a row whose file is gone, which
 * already answers 4515 and is finished on the next run, never an unreferenced file.
 */
export async function purgeExpiredPhotos(
  deps: { visitors: VisitorsRepository; store: PhotoStore; now: () => number },
  days: number,
): Promise<number> {
  const cutoff = deps.now() - days * DAY;
  let purged = 0;
  for (;;) {
    const batch = deps.visitors.expiredPhotos(cutoff, BATCH);
    if (batch.length === 0) break;
    for (const photo of batch) {
      await deps.store.removePhoto(photo.visitor_id, photo.format);
      deps.visitors.deletePhotoRow(photo.seq);
    }
    purged += batch.length;
  }
  if (purged > 0) log.info(`removed the photos of ${purged} visitors who left more than ${days} days ago`);
  return purged;
}
