import type { ExitKind, ImageFormat } from '../../../shared/api-types';
import type { NoticeChannel, NoticeStatus } from '../../../shared/notifications';
import type { Db } from '../connection';
import { searchIndex, type SearchIndex } from '../search-index';
import type { SqlStatement } from '../sql-database';
import { DEFAULT_TYPE_ID } from '../../../shared/visitor-types';

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
  exit_kind: ExitKind | null;
  /** When the visitor was erased (their personal data replaced); null if never. */
  erased_at: number | null;
  photo_format: ImageFormat | null;
  photo_width: number | null;
  photo_height: number | null;
  photo_bytes: number | null;
  thumbhash: Buffer | null;
  /** The notice the visitor shows (db/migrations/012-notifications.ts): null when none was written here. */
  notice_status: NoticeStatus | null;
  notice_channel: NoticeChannel | null;
  notice_at: number | null;
  notice_error: string | null;
  type_id: number;
  type_name: string | null;
  type_color: string | null;
  /** The agreement signed at check-in (db/migrations/013-checkin-flows.ts); nulls when none. */
  signed_agreement_id: number | null;
  signed_version: number | null;
  signed_title: string | null;
  signed_at: number | null;
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
  /** How the visit ended, when it has: a desk's exit unless said otherwise. */
  exit_kind?: ExitKind | null;
  /** A visitor who arrives erased from another desk (site/replica-state.ts). */
  erased_at?: number | null;
  created_by: number | null;
  /** Their visitor type; null for a visitor from a desk that has no types (shown as the default). */
  type_id?: number | null;
  /** The expected visit this check-in fulfils: marked arrived in the same transaction. */
  expected?: { id: number; date: string };
}

/** The expected visit a check-in named is no longer open for today: nothing was written. */
export class ExpectedVisitNotOpenError extends Error {}

export interface NewPhoto {
  format: ImageFormat;
  width: number;
  height: number;
  bytes: number;
  thumbhash: Buffer;
}

const SELECT_VISITOR = `
  SELECT v.seq, v.visitor_id, v.card_no, v.name, v.mobile, v.purpose, v.visitee_no,
         e.name AS visitee_name, v.entry_at, v.exit_at, v.exit_kind, v.erased_at,
         p.format AS photo_format, p.width AS photo_width, p.height AS photo_height,
         p.bytes AS photo_bytes, p.thumbhash,
         n.status AS notice_status, n.channel AS notice_channel, coalesce(n.done_at, n.created_at) AS notice_at,
         n.error AS notice_error,
         coalesce(v.type_id, ${DEFAULT_TYPE_ID}) AS type_id, t.name AS type_name, t.color AS type_color,
         s.agreement_id AS signed_agreement_id, s.version AS signed_version, s.title AS signed_title,
         s.signed_at
    FROM visitors v
    LEFT JOIN visitor_types t ON t.type_id = coalesce(v.type_id, ${DEFAULT_TYPE_ID})
    LEFT JOIN signatures s ON s.visitor_id = v.visitor_id
    LEFT JOIN visitees e ON e.visitee_no = v.visitee_no
    LEFT JOIN photos p ON p.visitor_seq = v.seq
    LEFT JOIN notices n ON n.visitor_id = v.visitor_id AND n.shown = 1`;

/**
 * What a page of the log is read from. `older` pages go down from a seq (newest first),
 * `newer` pages up from it (oldest first; the service turns them round). A search reads
 * the full-text index, which yields rowids in order on its own. A date range is read as
 * a range of seqs (`low`..`high`, from `seqBounds`) walked in order, with the entry times
 * checked exactly on each row: reading the entry-time index instead would sort every
 * visitor of the range for each page (23 ms for a week at a million visitors, 400 ms for
 * all of them).
 */
export interface PageShape {
  direction: 'older' | 'newer';
  search: boolean;
  onSite: boolean;
  dated: boolean;
  /** One visitor type only: the default one (with the visitors from before types) or another. */
  type?: 'default' | 'other' | undefined;
}

export interface PageParams {
  seq: number;
  limit: number;
  match?: string;
  start?: number;
  end?: number;
  low?: number;
  high?: number;
  type_id?: number;
}

function pageSql(shape: PageShape, index: SearchIndex): string {
  const beyond = shape.direction === 'older' ? '<' : '>';
  const order = shape.direction === 'older' ? 'DESC' : 'ASC';
  // The unary + keeps the planner off the entry-time index: the seq range leads.
  const dated = shape.dated ? '+v.entry_at >= @start AND +v.entry_at < @end' : '';
  // Another type than the default is read through its partial index, whose terms are repeated here
  // so the planner may use it (migration 013); the default type, most of any log, by walking seq.
  const typed =
    shape.type === 'default'
      ? `(v.type_id IS NULL OR v.type_id = ${DEFAULT_TYPE_ID})`
      : shape.type === 'other'
        ? `v.type_id = @type_id AND v.type_id IS NOT NULL AND v.type_id <> ${DEFAULT_TYPE_ID}`
        : '';
  if (shape.search) {
    const exact = [dated, typed].filter(Boolean).join(' AND ');
    // The index picks the page, in its own order, and stops when the page is full. Dated or
    // typed, each hit (within the seq range) is checked against its row as it comes: with
    // that check in the join instead, SQLite gathered and sorted every hit of the range
    // first (a week's search at a million visitors: 3.5 against 0.3 ms), or, for a type
    // other than the default, led with the type's visitors and looked each up in the index,
    // which for a word of four letters or more merges all its terms each time (a type of
    // 2,000 visitors and a common word: 1.3 to 33 s at 300,000 visitors, against 6 to 27 ms).
    const where = (seq: string): string =>
      [
        `${seq} ${beyond} @seq`,
        shape.dated ? `${seq} BETWEEN @low AND @high` : '',
        exact ? `EXISTS (SELECT 1 FROM visitors v WHERE v.seq = ${seq} AND ${exact})` : '',
      ]
        .filter(Boolean)
        .join(' AND ');
    return `WITH hits AS (${index.hits(where, order)})
     ${SELECT_VISITOR} JOIN hits h ON h.seq = v.seq ORDER BY v.seq ${order}`;
  }
  const where = [
    `v.seq ${beyond} @seq`,
    shape.dated ? 'v.seq BETWEEN @low AND @high' : '',
    shape.onSite ? 'v.exit_at IS NULL' : '',
    dated,
    typed,
  ].filter(Boolean);
  return `${SELECT_VISITOR} WHERE ${where.join(' AND ')} ORDER BY v.seq ${order} LIMIT @limit`;
}

export function visitorsRepository(db: Db) {
  const index = searchIndex(db.dialect);
  const onSite = db.prepare<[], VisitorRecord>(`${SELECT_VISITOR} WHERE v.exit_at IS NULL ORDER BY v.seq`);
  const onSiteById = db.prepare<[string], VisitorRecord>(
    `${SELECT_VISITOR} WHERE v.visitor_id = ? AND v.exit_at IS NULL`,
  );
  const byId = db.prepare<[string], VisitorRecord>(`${SELECT_VISITOR} WHERE v.visitor_id = ?`);
  // The hot path of the grid: one index probe and one primary-key probe, nothing else.
  // A subquery, not a join: SQLite re-prepares this join each time `?` is bound to a new
  // ID (30 µs a lookup against 5 µs, bench/serving.ts under wrk).
  const photoOf = db.prepare<[string], PhotoRecord>(
    `SELECT (SELECT p.format FROM photos p WHERE p.visitor_seq = v.seq) AS format
       FROM visitors v WHERE v.visitor_id = ?`,
  );
  const onSiteCount = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM visitors WHERE exit_at IS NULL');
  // See migration 003: entry_max never decreases along seq, so both are index probes.
  const firstSeqFrom = db
    .prepare<[number], number>('SELECT seq FROM visitors WHERE entry_max >= ? ORDER BY entry_max, seq LIMIT 1')
    .pluck();
  const lastInOrderSeqBefore = db
    .prepare<[number], number>('SELECT seq FROM visitors WHERE entry_max < ? ORDER BY entry_max DESC, seq DESC LIMIT 1')
    .pluck();
  const lastOutOfOrderSeqBefore = db
    // Left alone, either planner walks seq from the top looking for a match (a full scan when,
    // as usual, no entry is out of order: 190 ms at a million visitors on PostgreSQL). SQLite
    // is told the index (INDEXED BY); PostgreSQL cannot take max(seq + 0) from the seq index.
    .prepare<[number], number | null>(
      `SELECT max(seq + 0) FROM visitors ${db.dialect === 'sqlite' ? 'INDEXED BY visitors_entry_out_of_order' : ''}
        WHERE entry_at < entry_max AND entry_at < ?`,
    )
    .pluck();
  const pages = new Map<string, SqlStatement<[PageParams], VisitorRecord>>();
  const pageStatement = (shape: PageShape) => {
    const key = JSON.stringify(shape);
    let statement = pages.get(key);
    if (!statement) {
      statement = db.prepare<PageParams, VisitorRecord>(pageSql(shape, index));
      pages.set(key, statement);
    }
    return statement;
  };
  const typeSeen = new Map<string, SqlStatement<[PageParams], number>>();
  /**
   * Whether any visitor of the page's type lies beyond its seq (and within its range): a type
   * nobody has yet would otherwise walk every hit of the search to find nothing (a new type
   * and a common word: 24 against 0.1 ms at 300,000 visitors). Through the type's partial index.
   */
  const anyOfType = (shape: PageShape, params: PageParams): boolean => {
    const key = `${shape.direction} ${shape.dated}`;
    let statement = typeSeen.get(key);
    if (!statement) {
      statement = db
        .prepare<PageParams, number>(
          `SELECT EXISTS (
             SELECT 1 FROM visitors v
              WHERE v.type_id = @type_id AND v.type_id IS NOT NULL AND v.type_id <> ${DEFAULT_TYPE_ID}
                AND v.seq ${shape.direction === 'older' ? '<' : '>'} @seq
                ${shape.dated ? 'AND v.seq BETWEEN @low AND @high' : ''})`,
        )
        .pluck();
      typeSeen.set(key, statement);
    }
    return statement.get(params) === 1;
  };
  const cardOnSite = db.prepare<[number], { one: 1 }>(
    'SELECT 1 AS one FROM visitors WHERE card_no = ? AND exit_at IS NULL',
  );
  const cardHolders = db
    .prepare<[number], number>('SELECT count(*) FROM visitors WHERE card_no = ? AND exit_at IS NULL')
    .pluck();
  const insertVisitor = db
    .prepare<
      [
        Omit<NewVisitor, 'expected' | 'exit_at' | 'exit_kind' | 'erased_at' | 'type_id'> & {
          type_id: number | null;
          exit_at: number | null;
          exit_kind: ExitKind | null;
          erased_at: number | null;
        },
      ],
      number
    >(
      `INSERT INTO visitors (visitor_id, card_no, name, mobile, purpose, visitee_no, entry_at, exit_at, exit_kind,
                             erased_at, created_by, type_id, entry_max)
       SELECT @visitor_id, @card_no, @name, @mobile, @purpose, @visitee_no, @entry_at, @exit_at,
              CASE WHEN CAST(@exit_at AS BIGINT) IS NULL THEN NULL ELSE coalesce(@exit_kind, 'desk') END, @erased_at, @created_by,
              @type_id, CASE WHEN @entry_at > latest THEN @entry_at ELSE latest END
         FROM (SELECT coalesce((SELECT entry_max FROM visitors ORDER BY seq DESC LIMIT 1), 0) AS latest) AS last
       RETURNING seq`,
    )
    .pluck();
  const insertPhoto = db.prepare<[number, string, number, number, number, Buffer]>(
    `INSERT INTO photos (visitor_seq, format, width, height, bytes, thumbhash) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const deleteIntent = db.prepare<[string]>('DELETE FROM photo_intents WHERE visitor_id = ?');
  const markArrived = db.prepare<[string, number, string]>(
    `UPDATE expected_visits SET status = 'arrived', visitor_id = ?
      WHERE expected_id = ? AND status = 'expected' AND expected_date = ?`,
  );
  const exit = db.prepare<[number, ExitKind, string]>(
    'UPDATE visitors SET exit_at = ?, exit_kind = ? WHERE visitor_id = ? AND exit_at IS NULL',
  );
  const enteredBefore = db.prepare<[number], { visitor_id: string; entry_at: number }>(
    'SELECT visitor_id, entry_at FROM visitors WHERE exit_at IS NULL AND entry_at < ? ORDER BY seq',
  );
  const insertOne = (visitor: NewVisitor, photo: NewPhoto | null): number => {
    const seq = insertVisitor.get({
      visitor_id: visitor.visitor_id,
      card_no: visitor.card_no,
      name: visitor.name,
      mobile: visitor.mobile,
      purpose: visitor.purpose,
      visitee_no: visitor.visitee_no,
      entry_at: visitor.entry_at,
      exit_at: visitor.exit_at ?? null,
      exit_kind: visitor.exit_kind ?? null,
      erased_at: visitor.erased_at ?? null,
      created_by: visitor.created_by,
      type_id: visitor.type_id ?? null,
    })!;
    if (
      visitor.expected &&
      markArrived.run(visitor.visitor_id, visitor.expected.id, visitor.expected.date).changes !== 1
    ) {
      throw new ExpectedVisitNotOpenError();
    }
    if (photo) {
      insertPhoto.run(seq, photo.format, photo.width, photo.height, photo.bytes, photo.thumbhash);
      deleteIntent.run(visitor.visitor_id);
    }
    return seq;
  };

  // A correction: the row, and its search index entry rewritten (contentless FTS5 takes a
  // delete by rowid, then the new words).
  const correctRow = db.prepare<
    [{ seq: number; name: string; mobile: string; purpose: string; card_no: number; visitee_no: number | null }]
  >(
    `UPDATE visitors SET name = @name, mobile = @mobile, purpose = @purpose, card_no = @card_no, visitee_no = @visitee_no
      WHERE seq = @seq`,
  );
  const ftsDelete = db.prepare<[number]>(index.remove);
  const ftsInsert = db.prepare<[number]>(index.addFromRow);
  const exitToUndo = db.prepare<[string, number], { exit_at: number; undone_exits: string | null }>(
    `SELECT exit_at, undone_exits FROM visitors
      WHERE visitor_id = ? AND exit_kind = 'desk' AND exit_at >= ? AND erased_at IS NULL`,
  );
  const undoExit = db.prepare<[string, string]>(
    'UPDATE visitors SET exit_at = NULL, exit_kind = NULL, undone_exits = ? WHERE visitor_id = ?',
  );
  // The lowest card not held on the premises: 1 if free, else the first number after a held
  // card that is itself free (both probes of the partial unique index on cards on site).
  const nextFreeCard = db
    .prepare<[], number>(
      `SELECT 1 AS card WHERE NOT EXISTS (SELECT 1 FROM visitors WHERE exit_at IS NULL AND card_no = 1)
       UNION ALL
       SELECT v.card_no + 1 FROM visitors v
        WHERE v.exit_at IS NULL AND v.card_no < 9999
          AND NOT EXISTS (SELECT 1 FROM visitors w WHERE w.exit_at IS NULL AND w.card_no = v.card_no + 1)
       ORDER BY card LIMIT 1`,
    )
    .pluck();

  return {
    onSite: (): VisitorRecord[] => onSite.all(),
    onSiteById: (visitorId: string): VisitorRecord | undefined => onSiteById.get(visitorId),
    byId: (visitorId: string): VisitorRecord | undefined => byId.get(visitorId),
    /** The visitor's photo metadata; undefined when there is no such visitor, nulls when no photo. */
    photoOf: (visitorId: string): PhotoRecord | undefined => photoOf.get(visitorId),
    /** The search index's query for the log's search words (services/log-search.ts). */
    searchQuery: (words: string[]): string => index.query(words, 'all'),
    /** A page of the log in the given shape; see pageSql. */
    page: (shape: PageShape, params: PageParams): VisitorRecord[] =>
      shape.search && shape.type === 'other' && !anyOfType(shape, params) ? [] : pageStatement(shape).all(params),
    /**
     * The seqs that can hold visitors who entered in [start, end), exactly, whatever the
     * clock did. Low: a visitor who entered at or after `start` has entry_max ≥ start, so
     * no seq before the first such entry_max can. High: a visitor who entered before `end`
     * either set entry_max itself (entry_max < end) or entered out of order (a clock set
     * back) and is in the small out-of-order index.
     */
    seqBounds: (start: number, end: number): { low: number; high: number } => ({
      low: firstSeqFrom.get(start) ?? Number.MAX_SAFE_INTEGER,
      high: Math.max(lastInOrderSeqBefore.get(end) ?? 0, lastOutOfOrderSeqBefore.get(end) ?? 0),
    }),
    onSiteCount: (): number => onSiteCount.get()!.n,
    isCardOnSite: (cardNo: number): boolean => cardOnSite.get(cardNo) !== undefined,
    /** How many on the premises hold the card: more than one only when desks that were apart both gave it out. */
    holdersOfCard: (cardNo: number): number => cardHolders.get(cardNo)!,
    /** The visitor, its photo row and the end of its photo intent: the caller's unit of work holds them together. */
    insert: insertOne,
    /** Writes a visitor's corrected fields and their search words; the caller's transaction holds both. */
    correct: (
      record: VisitorRecord,
      fields: { name: string; mobile: string; purpose: string; card_no: number; visitee_no: number | null },
    ): void => {
      correctRow.run({ seq: record.seq, ...fields });
      ftsDelete.run(record.seq);
      ftsInsert.run(record.seq);
    },
    /** Puts back on the premises a visitor whose desk exit was recorded at or after `since`; false if none. */
    undoExit: (visitorId: string, since: number): boolean => {
      // Read and written in the caller's unit of work, under the write lock.
      const row = exitToUndo.get(visitorId, since);
      if (!row) return false;
      const undone = [...(row.undone_exits === null ? [] : (JSON.parse(row.undone_exits) as number[])), row.exit_at];
      return undoExit.run(JSON.stringify(undone), visitorId).changes === 1;
    },
    /** The lowest card number nobody on the premises holds; undefined when all 9,999 are held. */
    nextFreeCard: (): number | undefined => nextFreeCard.get(),
    /** Returns false when there is no such visitor on the premises. */
    recordExit: (visitorId: string, now: number): boolean => exit.run(now, 'desk', visitorId).changes === 1,
    /** Visitors on the premises who entered before `cutoff`: the automatic sign-out's candidates. */
    onSiteEnteredBefore: (cutoff: number) => enteredBefore.all(cutoff),
    /** Signs these visitors out automatically; returns those it signed out (not gone already). */
    signOutAutomatically: (exits: { visitorId: string; exitAt: number }[]): string[] =>
      exits
        .filter(({ visitorId, exitAt }) => exit.run(exitAt, 'auto', visitorId).changes === 1)
        .map((e) => e.visitorId),
  };
}

export type VisitorsRepository = ReturnType<typeof visitorsRepository>;
