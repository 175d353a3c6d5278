import type { ImageFormat } from '../../../shared/api-types';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../connection';
import { searchIndex } from '../search-index';

/** What an erasure puts in place of a visitor's personal data (API contract Part 2). */
export const ERASED_NAME = 'Erased visitor';

export interface PendingDeletion {
  visitor_id: string;
  format: ImageFormat;
}

/**
 * The SQL of erasures and purges. Every statement runs inside the caller's transaction:
 * a visitor is erased whole (row, search index, expected visit, photo row, the files to
 * delete) or not at all.
 */
export function erasuresRepository(db: Db, hooks: { photoDropped: (visitorId: string) => void }) {
  const index = searchIndex(db.dialect);
  const ftsDelete = db.prepare<[number]>(index.remove);
  const ftsInsert = db.prepare<[number, string, number, string | null]>(index.addErased);
  const clearVisitor = db.prepare<[string, number, number]>(
    "UPDATE visitors SET name = ?, mobile = '', purpose = '', erased_at = ? WHERE seq = ?",
  );
  const clearExpected = db.prepare<[string, number, string]>(
    `UPDATE expected_visits SET name = ?, mobile = NULL, purpose = NULL, note = NULL, email = NULL, erased_at = ?
      WHERE visitor_id = ?`,
  );
  // A pending notice goes unsent; one sent or given up keeps that it was, not what it said.
  const dropPendingNotices = db.prepare<{ id: string }>(
    `DELETE FROM notices WHERE status = 'pending' AND (visitor_id = @id
        OR expected_id IN (SELECT expected_id FROM expected_visits WHERE visitor_id = @id))`,
  );
  // An invitation's address is the visitor's own, and a refusal may quote it: both go too.
  const emptyNotices = db.prepare<{ id: string }>(
    `UPDATE notices SET content = NULL,
            recipient = CASE kind WHEN 'invitation' THEN '' ELSE recipient END,
            error = CASE kind WHEN 'invitation' THEN NULL ELSE error END
      WHERE visitor_id = @id OR expected_id IN (SELECT expected_id FROM expected_visits WHERE visitor_id = @id)`,
  );
  // Expected visits that never arrived, past the visit retention: the person's name and e-mail
  // address, and their invitation, go as an arrived visit's do with its visitor.
  const lapsedNotices = `expected_id IN (SELECT expected_id FROM expected_visits
      WHERE erased_at IS NULL AND status <> 'arrived' AND expected_date < @before)`;
  const dropLapsedNotices = db.prepare<{ before: string }>(
    `DELETE FROM notices WHERE status = 'pending' AND ${lapsedNotices}`,
  );
  const emptyLapsedNotices = db.prepare<{ before: string }>(
    `UPDATE notices SET content = NULL, recipient = '', error = NULL WHERE ${lapsedNotices}`,
  );
  const clearLapsed = db.prepare<{ name: string; now: number; before: string }>(
    `UPDATE expected_visits SET name = @name, mobile = NULL, purpose = NULL, note = NULL, email = NULL, erased_at = @now
      WHERE erased_at IS NULL AND status <> 'arrived' AND expected_date < @before`,
  );
  // A signed copy is personal data (API contract Part 5): its signature, name and mobile go whole.
  const deleteSignature = db.prepare<[string]>('DELETE FROM signatures WHERE visitor_id = ?');
  const photoOf = db.prepare<[number], { format: ImageFormat }>('SELECT format FROM photos WHERE visitor_seq = ?');
  const deletePhotoRow = db.prepare<[number]>('DELETE FROM photos WHERE visitor_seq = ?');
  const addDeletion = db.prepare<[string, string]>(
    'INSERT INTO photo_deletions (visitor_id, format) VALUES (?, ?) ON CONFLICT DO NOTHING',
  );
  const pending = db.prepare<[], PendingDeletion>('SELECT visitor_id, format FROM photo_deletions');
  const markScrub = db.prepare<[number]>('INSERT INTO pending_scrubs (since) VALUES (?) ON CONFLICT DO NOTHING');
  const scrubPending = db.prepare<[], { one: 1 }>('SELECT 1 AS one FROM pending_scrubs LIMIT 1');
  const scrubDone = db.prepare('DELETE FROM pending_scrubs');
  const done = db.prepare<[string]>('DELETE FROM photo_deletions WHERE visitor_id = ?');
  const expiredVisits = db.prepare<
    [number, number],
    { seq: number; visitor_id: string; card_no: number; visitee_name: string | null }
  >(
    `SELECT v.seq, v.visitor_id, v.card_no, e.name AS visitee_name
       FROM visitors v LEFT JOIN visitees e ON e.visitee_no = v.visitee_no
      WHERE v.erased_at IS NULL AND v.exit_at IS NOT NULL AND v.entry_at < ? LIMIT ?`,
  );
  const expiredPhotos = db.prepare<[number, number], { seq: number; visitor_id: string }>(
    `SELECT v.seq, v.visitor_id FROM photos p JOIN visitors v ON v.seq = p.visitor_seq
      WHERE v.exit_at IS NOT NULL AND v.exit_at < ? LIMIT ?`,
  );

  /** Queues the photo's files for deletion and removes its row; false when there is none. */
  function dropPhoto(seq: number, visitorId: string): boolean {
    const photo = photoOf.get(seq);
    if (!photo) return false;
    deletePhotoRow.run(seq);
    addDeletion.run(visitorId, photo.format);
    hooks.photoDropped(visitorId);
    return true;
  }

  return {
    /** Replaces the visitor's personal data and drops their photo; returns whether a photo was queued. */
    eraseVisitor(
      visitor: { seq: number; visitor_id: string; card_no: number; visitee_name: string | null },
      now: number,
    ): boolean {
      // The scrub is owed from this commit on, until it has run.
      markScrub.run(now);
      // Contentless FTS5 cannot update in place: the old entry is deleted, the erased one added.
      ftsDelete.run(visitor.seq);
      ftsInsert.run(visitor.seq, ERASED_NAME, visitor.card_no, visitor.visitee_name);
      clearVisitor.run(ERASED_NAME, now, visitor.seq);
      dropPendingNotices.run({ id: visitor.visitor_id });
      emptyNotices.run({ id: visitor.visitor_id });
      clearExpected.run(ERASED_NAME, now, visitor.visitor_id);
      deleteSignature.run(visitor.visitor_id);
      return dropPhoto(visitor.seq, visitor.visitor_id);
    },
    dropPhoto,
    /** Erases the expected visits before the local day `before` that never arrived; how many. */
    eraseLapsedExpected(before: string, now: number): number {
      markScrub.run(now);
      dropLapsedNotices.run({ before });
      emptyLapsedNotices.run({ before });
      return clearLapsed.run({ name: ERASED_NAME, now, before }).changes;
    },
    /** Queues files that no row will ever name (a photo fetched for a visitor who arrived erased). */
    queueDeletion: (visitorId: string, format: ImageFormat): void => {
      addDeletion.run(visitorId, format);
    },
    /** Visits that entered before `cutoff`, have ended and are not erased yet, a batch at a time. */
    expiredVisits: (cutoff: number, limit: number) => expiredVisits.all(cutoff, limit),
    /** Photos of visitors who left before `cutoff`, a batch at a time. */
    expiredPhotos: (cutoff: number, limit: number) => expiredPhotos.all(cutoff, limit),
    pendingDeletions: (): PendingDeletion[] => pending.all(),
    deletionDone: (visitorId: string): void => {
      done.run(visitorId);
    },
    /**
     * The first half of making what was removed unrecoverable from the data folder (the
     * second is scrubFreed, outside the transaction): FTS5 keeps a deleted entry's words in
     * its segments until they are merged ('optimize' rewrites them all; about a second at a
     * million visitors), and secure_delete zeroes every page and cell freed (set on the
     * connection). The scrub owed is settled in the same transaction.
     */
    rewriteSearchIndex(): void {
      db.exec(index.rewrite);
      scrubDone.run();
    },
    /** Whether an erasure committed a scrub that has not run yet (a crash or a lock came first). */
    scrubPending: (): boolean => scrubPending.get() !== undefined,
    /**
     * Clears what the engine keeps of removed values beside the live rows (db/sql-database.ts);
     * false when another connection's open read kept some of it in use.
     */
    scrubFreed: (): boolean => db.scrubFreed(),
  };
}

export type ErasuresRepository = ReturnType<typeof erasuresRepository>;

/**
 * The same erasures in the migration backups, which the unit of work does not reach: each is
 * a separate file of an older schema (so the statements differ by what that schema has).
 * Migration backups (frontdesk.vN-*.bak.db) are copies of the database from before an
 * upgrade: the same visitors are erased in them (and purged photos' rows, with their
 * ThumbHash, removed), and each is rebuilt (VACUUM) so no freed page keeps the old text.
 */
export function eraseFromBackups(dataDir: string, visitorIds: string[], photosGone: string[]): void {
  const backups = fs.readdirSync(dataDir).filter((name) => /\.bak\.db$/.test(name));
  for (const name of backups) {
    const backup = new Database(path.join(dataDir, name));
    try {
      backup.pragma('secure_delete = ON');
      // A backup from before version 3 has no expected visits.
      const hasExpected =
        backup.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'expected_visits'").get() !==
        undefined;
      const find = backup.prepare<[string], { seq: number; card_no: number }>(
        'SELECT seq, card_no FROM visitors WHERE visitor_id = ?',
      );
      const ftsDelete = backup.prepare('DELETE FROM visitors_fts WHERE rowid = ?');
      const ftsInsert = backup.prepare(
        "INSERT INTO visitors_fts (rowid, name, purpose, mobile, card_no) VALUES (?, ?, '', '', ?)",
      );
      const clearVisitor = backup.prepare("UPDATE visitors SET name = ?, mobile = '', purpose = '' WHERE seq = ?");
      const deletePhoto = backup.prepare('DELETE FROM photos WHERE visitor_seq = ?');
      // A backup from version 12 on holds notices, composed with the visitor's name.
      const dropNotices =
        backup.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'notices'").get() !== undefined
          ? backup.prepare(
              `DELETE FROM notices WHERE visitor_id = @id
                  OR expected_id IN (SELECT expected_id FROM expected_visits WHERE visitor_id = @id)`,
            )
          : undefined;
      // A backup from version 13 on holds signatures.
      const dropSignature =
        backup.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'signatures'").get() !== undefined
          ? backup.prepare('DELETE FROM signatures WHERE visitor_id = ?')
          : undefined;
      const clearExpected = hasExpected
        ? backup.prepare(
            'UPDATE expected_visits SET name = ?, mobile = NULL, purpose = NULL, note = NULL WHERE visitor_id = ?',
          )
        : undefined;
      backup.transaction(() => {
        for (const visitorId of visitorIds) {
          const row = find.get(visitorId);
          if (!row) continue;
          ftsDelete.run(row.seq);
          ftsInsert.run(row.seq, ERASED_NAME, row.card_no);
          clearVisitor.run(ERASED_NAME, row.seq);
          deletePhoto.run(row.seq);
          dropNotices?.run({ id: visitorId });
          dropSignature?.run(visitorId);
          clearExpected?.run(ERASED_NAME, visitorId);
        }
      })();
      const dropPhoto = backup.prepare(
        'DELETE FROM photos WHERE visitor_seq = (SELECT seq FROM visitors WHERE visitor_id = ?)',
      );
      backup.transaction(() => photosGone.forEach((visitorId) => dropPhoto.run(visitorId)))();
      backup.exec("INSERT INTO visitors_fts (visitors_fts) VALUES ('optimize')");
      backup.exec('VACUUM');
    } finally {
      backup.close();
    }
  }
}
