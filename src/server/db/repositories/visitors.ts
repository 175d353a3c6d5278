import type { ImageFormat } from '../../../shared/api-types';
import type { Db } from '../connection';

/** A visitor as stored, joined with its photo's metadata and the visitee's name. */
export interface VisitorRecord {
  seq: number;
  visitor_id: string;
  card_no: number;
  name: string;
  mobile: string;
  purpose: string;
  visitee_no: number | null;
  visitee_name: string | null;
  entry_at: number;
  exit_at: number | null;
  photo_format: ImageFormat | null;
  photo_width: number | null;
  photo_height: number | null;
  photo_bytes: number | null;
  thumbhash: Buffer | null;
}

export interface PhotoRecord {
  format: ImageFormat | null;
}

export interface NewVisitor {
  visitor_id: string;
  card_no: number;
  name: string;
  mobile: string;
  purpose: string;
  visitee_no: number | null;
  entry_at: number;
  exit_at?: number | null;
  created_by: number | null;
}

export interface NewPhoto {
  format: ImageFormat;
  width: number;
  height: number;
  bytes: number;
  thumbhash: Buffer;
}

const SELECT_VISITOR = `
  SELECT v.seq, v.visitor_id, v.card_no, v.name, v.mobile, v.purpose, v.visitee_no,
         e.name AS visitee_name, v.entry_at, v.exit_at,
         p.format AS photo_format, p.width AS photo_width, p.height AS photo_height,
         p.bytes AS photo_bytes, p.thumbhash
    FROM visitors v
    LEFT JOIN visitees e ON e.visitee_no = v.visitee_no
    LEFT JOIN photos p ON p.visitor_seq = v.seq`;

export function visitorsRepository(db: Db) {
  const onSite = db.prepare<[], VisitorRecord>(`${SELECT_VISITOR} WHERE v.exit_at IS NULL ORDER BY v.seq`);
  const onSiteById = db.prepare<[string], VisitorRecord>(
    `${SELECT_VISITOR} WHERE v.visitor_id = ? AND v.exit_at IS NULL`,
  );
  const byId = db.prepare<[string], VisitorRecord>(`${SELECT_VISITOR} WHERE v.visitor_id = ?`);
  // The hot path of the grid: one index probe and one primary-key probe, nothing else.
  const photoOf = db.prepare<[string], PhotoRecord>(
    `SELECT p.format FROM visitors v LEFT JOIN photos p ON p.visitor_seq = v.seq
      WHERE v.visitor_id = ?`,
  );
  const onSitePage = db.prepare<[number, number], VisitorRecord>(
    `${SELECT_VISITOR} WHERE v.exit_at IS NULL AND v.seq < ? ORDER BY v.seq DESC LIMIT ?`,
  );
  const onSiteCount = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM visitors WHERE exit_at IS NULL');
  const logPage = db.prepare<[number, number], VisitorRecord>(
    `${SELECT_VISITOR} WHERE v.seq < ? ORDER BY v.seq DESC LIMIT ?`,
  );
  // The FTS index yields rowids newest-first on its own; the join only decorates the page.
  const searchPage = db.prepare<[string, number, number], VisitorRecord>(
    `WITH hits AS (
       SELECT rowid FROM visitors_fts WHERE visitors_fts MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?
     )
     ${SELECT_VISITOR} JOIN hits h ON h.rowid = v.seq ORDER BY v.seq DESC`,
  );
  // The same three lists read the other way, for the page before one a client holds: the
  // rows just newer than a seq, oldest first (the service turns them newest first).
  const onSitePageAfter = db.prepare<[number, number], VisitorRecord>(
    `${SELECT_VISITOR} WHERE v.exit_at IS NULL AND v.seq > ? ORDER BY v.seq ASC LIMIT ?`,
  );
  const logPageAfter = db.prepare<[number, number], VisitorRecord>(
    `${SELECT_VISITOR} WHERE v.seq > ? ORDER BY v.seq ASC LIMIT ?`,
  );
  const searchPageAfter = db.prepare<[string, number, number], VisitorRecord>(
    `WITH hits AS (
       SELECT rowid FROM visitors_fts WHERE visitors_fts MATCH ? AND rowid > ? ORDER BY rowid ASC LIMIT ?
     )
     ${SELECT_VISITOR} JOIN hits h ON h.rowid = v.seq ORDER BY v.seq ASC`,
  );
  const cardOnSite = db.prepare<[number], { one: 1 }>(
    'SELECT 1 AS one FROM visitors WHERE card_no = ? AND exit_at IS NULL',
  );
  const insertVisitor = db.prepare<
    [string, number, string, string, string, number | null, number, number | null, number | null]
  >(
    `INSERT INTO visitors (visitor_id, card_no, name, mobile, purpose, visitee_no, entry_at, exit_at, created_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertPhoto = db.prepare<[number, string, number, number, number, Buffer]>(
    `INSERT INTO photos (visitor_seq, format, width, height, bytes, thumbhash) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const deleteIntent = db.prepare<[string]>('DELETE FROM photo_intents WHERE visitor_id = ?');
  // A daily chore over visitors who left: a scan is fine, and no index slows every check-in.
  const expiredPhotos = db.prepare<[number, number], { seq: number; visitor_id: string; format: ImageFormat }>(
    `SELECT v.seq, v.visitor_id, p.format FROM photos p JOIN visitors v ON v.seq = p.visitor_seq
      WHERE v.exit_at IS NOT NULL AND v.exit_at < ? LIMIT ?`,
  );
  const deletePhoto = db.prepare<[number]>('DELETE FROM photos WHERE visitor_seq = ?');
  const exit = db.prepare<[number, string]>('UPDATE visitors SET exit_at = ? WHERE visitor_id = ? AND exit_at IS NULL');

  const insertOne = (visitor: NewVisitor, photo: NewPhoto | null): number => {
    const seq = Number(
      insertVisitor.run(
        visitor.visitor_id,
        visitor.card_no,
        visitor.name,
        visitor.mobile,
        visitor.purpose,
        visitor.visitee_no,
        visitor.entry_at,
        visitor.exit_at ?? null,
        visitor.created_by,
      ).lastInsertRowid,
    );
    if (photo) {
      insertPhoto.run(seq, photo.format, photo.width, photo.height, photo.bytes, photo.thumbhash);
      deleteIntent.run(visitor.visitor_id);
    }
    return seq;
  };

  const insert = db.transaction(insertOne);
  const insertMany = db.transaction((rows: { visitor: NewVisitor; photo: NewPhoto | null }[]) => {
    for (const row of rows) insertOne(row.visitor, row.photo);
  });

  return {
    onSite: (): VisitorRecord[] => onSite.all(),
    onSiteById: (visitorId: string): VisitorRecord | undefined => onSiteById.get(visitorId),
    byId: (visitorId: string): VisitorRecord | undefined => byId.get(visitorId),
    /** The visitor's photo metadata; undefined when there is no such visitor, nulls when no photo. */
    photoOf: (visitorId: string): PhotoRecord | undefined => photoOf.get(visitorId),
    logPage: (beforeSeq: number, limit: number): VisitorRecord[] => logPage.all(beforeSeq, limit),
    onSitePage: (beforeSeq: number, limit: number): VisitorRecord[] => onSitePage.all(beforeSeq, limit),
    onSiteCount: (): number => onSiteCount.get()!.n,
    searchPage: (match: string, beforeSeq: number, limit: number): VisitorRecord[] =>
      searchPage.all(match, beforeSeq, limit),
    logPageAfter: (afterSeq: number, limit: number): VisitorRecord[] => logPageAfter.all(afterSeq, limit),
    onSitePageAfter: (afterSeq: number, limit: number): VisitorRecord[] => onSitePageAfter.all(afterSeq, limit),
    searchPageAfter: (match: string, afterSeq: number, limit: number): VisitorRecord[] =>
      searchPageAfter.all(match, afterSeq, limit),
    isCardOnSite: (cardNo: number): boolean => cardOnSite.get(cardNo) !== undefined,
    /** The visitor, its photo row and the end of its photo intent commit together or not at all. */
    insert: (visitor: NewVisitor, photo: NewPhoto | null): number => insert(visitor, photo),
    /** Many visitors in one transaction: the seeder's and the benchmarks' bulk path. */
    insertMany: (rows: { visitor: NewVisitor; photo: NewPhoto | null }[]): void => insertMany(rows),
    /** Photos of visitors who left before `cutoff`, a batch at a time. */
    expiredPhotos: (cutoff: number, limit: number) => expiredPhotos.all(cutoff, limit),
    deletePhotoRow: (seq: number): void => {
      deletePhoto.run(seq);
    },
    /** Returns false when there is no such visitor on the premises. */
    recordExit: (visitorId: string, now: number): boolean => exit.run(now, visitorId).changes === 1,
  };
}

export type VisitorsRepository = ReturnType<typeof visitorsRepository>;
