import type { EraseReason, ErasureResult } from '../../shared/audit';
import { formatLocalDate } from '../../shared/dates';
import { ApiError } from '../api-error';
import { eraseFromBackups, type ErasuresRepository } from '../db/repositories/erasures';
import type { VisitorsRepository } from '../db/repositories/visitors';
import { isVisitorId } from '../ids';
import { logger } from '../log';
import type { PhotoStore } from '../photos/photo-store';
import { formatLocalTime } from '../time-format';
import type { Writes } from './unit-of-work';
import type { DeskEvents } from './desk-events';
import { announceVisitor } from './visitor-view';

const log = logger('erasure');
const DAY = 24 * 60 * 60 * 1000;
const BATCH = 500;
const WAL_RETRIES = 600;

/** The fields an erasure replaces (API contract Part 2): card, host and times stay for head counts. */
export const ERASED_FIELDS = ['name', 'mobile', 'purpose', 'photo'] as const;

/**
 * Erasure and retention: a visitor's name, mobile, purpose and photo go, and nothing of
 * them stays in the data folder. Each erasure is one transaction (visitor row, search
 * index, expected visit, photo row, the files to delete, the audit entry); the files go
 * right after it commits, and start-up finishes any a crash interrupted before the first
 * request, so a visitor is never erased with a photo still served, nor the reverse.
 */
export function erasureService(deps: {
  writes: Writes;
  dataDir: string;
  visitors: VisitorsRepository;
  erasures: ErasuresRepository;
  store: PhotoStore;
  events: DeskEvents;
  now: () => number;
}) {
  const { writes, visitors, erasures, store, events, now } = deps;

  /** Deletes the files queued by committed erasures and purges; returns how many files each visitor had. */
  async function deletePendingFiles(): Promise<Map<string, number>> {
    const removed = new Map<string, number>();
    for (const pending of erasures.pendingDeletions()) {
      removed.set(pending.visitor_id, await store.removePhoto(pending.visitor_id, pending.format));
      writes.run(() => erasures.deletionDone(pending.visitor_id));
    }
    return removed;
  }

  /**
   * Finishes what committed erasures owe: the files and the scrub. It runs after the
   * commit, where a failure (a lock held by another process, a full disk) must not tell
   * the client that nothing happened: the erasure stands, and the rest is retried every
   * few seconds and at the next start until it is done.
   */
  async function finishErasures(erasedIds: string[], photosGone: string[] = []): Promise<Map<string, number>> {
    let removed = new Map<string, number>();
    try {
      removed = await deletePendingFiles();
      scrub(erasedIds, photosGone);
    } catch (error) {
      log.error({ err: error }, 'an erasure committed but its clean-up failed; retrying');
      retryFinish(erasedIds, photosGone);
    }
    return removed;
  }

  let finishRetry: NodeJS.Timeout | undefined;
  function retryFinish(erasedIds: string[], photosGone: string[]): void {
    if (finishRetry) return;
    finishRetry = setTimeout(() => {
      finishRetry = undefined;
      void finishErasures(erasedIds, photosGone);
    }, 5000);
    finishRetry.unref();
  }

  let walRetry: NodeJS.Timeout | undefined;

  function scrub(erasedIds: string[], photosGone: string[] = []): void {
    writes.run(() => erasures.rewriteSearchIndex());
    if (!erasures.scrubFreed()) retryWalTruncation(WAL_RETRIES);
    if (erasedIds.length + photosGone.length > 0) eraseFromBackups(deps.dataDir, erasedIds, photosGone);
  }

  /**
   * Another process reading the database (a second desk, a backup tool) can stop the WAL
   * from being emptied: old copies of the erased pages then wait in it. Tried again every
   * second until it empties, for as long as a long read could plausibly last.
   */
  function retryWalTruncation(left: number): void {
    if (walRetry) return;
    walRetry = setTimeout(() => {
      walRetry = undefined;
      if (erasures.scrubFreed()) return;
      if (left > 1) retryWalTruncation(left - 1);
      else
        log.warn(
          'the WAL could not be emptied after an erasure: a reader keeps it open; it empties at the next erasure or start',
        );
    }, 1000);
    walRetry.unref();
  }

  async function erase(visitorId: string, reason: EraseReason, userId: number): Promise<ErasureResult> {
    const erasedAt = now();
    const outcome = writes.run((unit): { erasedBefore: number | null; hadPhoto: boolean } => {
      const record = isVisitorId(visitorId) ? visitors.byId(visitorId) : undefined;
      if (!record) throw new ApiError('3404', 'There is no visitor with that ID.');
      if (record.erased_at !== null) {
        // A second erasure finds nothing left to remove; the request is still on the trail.
        unit.audit({ action: 'visitor.erase', userId, visitorId, detail: `already erased; ${reason}` });
        return { erasedBefore: record.erased_at, hadPhoto: false };
      }
      const hadPhoto = erasures.eraseVisitor(record, erasedAt);
      unit.audit({ action: 'visitor.erase', userId, visitorId, detail: reason });
      return { erasedBefore: null, hadPhoto };
    });
    if (outcome.erasedBefore !== null) {
      return { erased_time: formatLocalTime(outcome.erasedBefore), files_removed: 0, fields_cleared: [] };
    }
    const { hadPhoto } = outcome;
    const filesRemoved = (await finishErasures([visitorId])).get(visitorId) ?? 0;
    announceVisitor({ visitors, events }, 'visitor.erased', visitorId);
    return {
      erased_time: formatLocalTime(erasedAt),
      files_removed: filesRemoved,
      fields_cleared: ERASED_FIELDS.filter((field) => field !== 'photo' || hadPhoto),
    };
  }

  /**
   * The retention chores (Settings): photos of visitors who left more than `photoDays`
   * ago are deleted, and visits older than `visitDays` are erased, a batch per
   * transaction, each purge recorded on the trail with its count.
   */
  async function applyRetention(
    photoDays: number | null,
    visitDays: number | null,
  ): Promise<{ photos: number; visits: number }> {
    const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
    /**
     * One purge, a batch per transaction with its own audit entry: a crash between batches
     * leaves the trail counting exactly what was removed. Returns the IDs it reached.
     */
    const purge = async <T extends { visitor_id: string }>(
      next: () => T[],
      remove: (item: T) => void,
      detail: (count: number) => string,
      action: 'visits.purge' | 'photos.purge',
    ): Promise<string[]> => {
      const reached: string[] = [];
      for (let batch = next(); batch.length > 0; batch = next()) {
        writes.run((unit) => {
          batch.forEach(remove);
          unit.audit({ action, userId: null, detail: detail(batch.length) });
        });
        reached.push(...batch.map((item) => item.visitor_id));
        await deletePendingFiles();
      }
      return reached;
    };
    const at = now();
    const erasedIds =
      visitDays === null
        ? []
        : await purge(
            () => erasures.expiredVisits(at - visitDays * DAY, BATCH),
            (visit) => erasures.eraseVisitor(visit, now()),
            (n) => `${plural(n, 'visit', 'visits')} older than ${visitDays} days erased`,
            'visits.purge',
          );
    const photosGone =
      photoDays === null
        ? []
        : await purge(
            () => erasures.expiredPhotos(at - photoDays * DAY, BATCH),
            (photo) => erasures.dropPhoto(photo.seq, photo.visitor_id),
            (n) => `photos of ${plural(n, 'visitor', 'visitors')} who left more than ${photoDays} days ago deleted`,
            'photos.purge',
          );
    // Expected visits that never arrived hold a name and an e-mail address too.
    const lapsed =
      visitDays === null
        ? 0
        : writes.run((unit) => {
            const count = erasures.eraseLapsedExpected(formatLocalDate(new Date(at - visitDays * DAY)), now());
            if (count > 0) {
              unit.audit({
                action: 'visits.purge',
                userId: null,
                detail: `${plural(count, 'expected visit', 'expected visits')} that never arrived, older than ${visitDays} days, erased`,
              });
            }
            return count;
          });
    const photos = photosGone.length;
    const visits = erasedIds.length + lapsed;
    if (photos + visits > 0) {
      await finishErasures(erasedIds, photosGone);
      events.publish({ type: 'log.changed' });
      log.info(`retention: ${photos} photos deleted, ${visits} visits erased`);
    }
    return { photos, visits };
  }

  return {
    erase,
    applyRetention,
    /** Visitors erased at another desk, applied here: their files go, and the data folder is scrubbed. */
    erasedElsewhere: async (visitorIds: string[]): Promise<void> => {
      await finishErasures(visitorIds);
    },
    /** Start-up: what a crash or a lock left unfinished, before the first request. */
    async finishPending(): Promise<void> {
      await deletePendingFiles();
      if (erasures.scrubPending()) scrub([]);
    },
    /**
     * Empties the WAL after a removal of personal data that is not an erasure (a watchlist
     * entry): the old pages with the person's name wait in it otherwise. Secure-delete has
     * zeroed them in the database itself.
     */
    scrubWal: (): void => {
      if (!erasures.scrubFreed()) retryWalTruncation(WAL_RETRIES);
    },
    /** Stops pending retries (the database is closing). */
    stop: () => {
      clearTimeout(walRetry);
      clearTimeout(finishRetry);
    },
  };
}

export type ErasureService = ReturnType<typeof erasureService>;
