import type { Db } from '../connection';
import { AUDIT_TRIGGERS } from '../migrations/004-privacy';
import { AUDIT_COPY_TRIGGERS } from '../migrations/011-site-audit';
import { pgTrailTriggers } from '../postgres/schema';

type TrailTable = 'audit_log' | 'audit_copies';

/** An entry as stored; a new one is written with exactly these fields too. */
export interface AuditRow {
  audit_id: number;
  time: number;
  user_id: number | null;
  username: string;
  action: string;
  visitor_id: string | null;
  detail: string;
  hash: Buffer;
}

/** An entry with the desk whose trail it is on. */
export interface SiteAuditRow extends AuditRow {
  desk_id: string;
}

/** A desk's signature over its chain's hash at an entry (site/trail-exchange.ts). */
export interface AuditCheckpoint {
  desk_id: string;
  audit_id: number;
  hash: Buffer;
  signature: Buffer;
}

/** Where a page of the site's trail ends: entries go newest first, then by desk, then by ID. */
export interface AuditCursor {
  time: number;
  desk_id: string;
  audit_id: number;
}

export interface AuditFilter {
  before?: AuditCursor | undefined;
  limit: number;
  visitor_id?: string | undefined;
  action?: string | undefined;
  /** One account's entries. */
  user_id?: number | undefined;
  /** Only the system's own entries (those without an account). */
  system?: boolean | undefined;
  start?: number | undefined;
  end?: number | undefined;
}

const COLUMNS = 'audit_id, time, user_id, username, action, visitor_id, detail, hash';

/** The SQL of one page of a trail table, `desk` naming each row's desk; each filter is an index. */
function pageSql(table: string, desk: string, filter: AuditFilter): string {
  const where = ['true'];
  // `time <=` is the index's range; the row value puts entries of the same millisecond in order.
  if (filter.before) where.push(`time <= @t AND (time, ${desk}, audit_id) < (@t, @d, @a)`);
  if (filter.visitor_id !== undefined) where.push('visitor_id = @visitor_id');
  if (filter.action !== undefined) where.push('action = @action');
  if (filter.user_id !== undefined) where.push('user_id = @user_id');
  if (filter.system) where.push('user_id IS NULL');
  if (filter.start !== undefined) where.push('time >= @start');
  if (filter.end !== undefined) where.push('time < @end');
  // This desk's own entries are all of one desk: ordered by the time index alone (its ID is in it).
  const order = desk === 'desk_id' ? 'time DESC, desk_id DESC, audit_id DESC' : 'time DESC, audit_id DESC';
  return `SELECT ${desk} AS desk_id, ${COLUMNS} FROM ${table} WHERE ${where.join(' AND ')}
          ORDER BY ${order} LIMIT @limit`;
}

/** Newest first, then by desk, then by ID: the order of a page of the site's trail. */
const newestFirst = (a: SiteAuditRow, b: SiteAuditRow): number =>
  b.time - a.time || (a.desk_id < b.desk_id ? 1 : a.desk_id > b.desk_id ? -1 : 0) || b.audit_id - a.audit_id;

/**
 * The audit trail: this desk's own chain (`audit_log`, db/migrations/004-privacy.ts) and the
 * copies of the other desks' chains it holds (`audit_copies`, 011-site-audit.ts).
 */
export function auditLogRepository(db: Db) {
  const last = db.prepare<[], { audit_id: number; hash: Buffer }>(
    'SELECT audit_id, hash FROM audit_log ORDER BY audit_id DESC LIMIT 1',
  );
  const insert = db.prepare<[AuditRow]>(
    `INSERT INTO audit_log (audit_id, time, user_id, username, action, visitor_id, detail, hash)
     VALUES (@audit_id, @time, @user_id, @username, @action, @visitor_id, @detail, @hash)`,
  );
  const after = db.prepare<[number, number], AuditRow>(
    `SELECT ${COLUMNS} FROM audit_log WHERE audit_id > ? ORDER BY audit_id LIMIT ?`,
  );
  // SQLite's AUTOINCREMENT keeps it; a company server's trigger does (db/postgres/schema.ts).
  const highestGiven = db
    .prepare<[], number>(
      `SELECT seq FROM ${db.dialect === 'sqlite' ? 'sqlite_sequence' : 'audit_high_water'} WHERE name = 'audit_log'`,
    )
    .pluck();
  const triggers = db.prepare<[string], { name: string; sql: string }>(
    db.dialect === 'sqlite'
      ? // SQLite keeps the table name as the trigger spelled it: "ON AUDIT_LOG" is the same table.
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND lower(tbl_name) = ?"
      : // Its definition and its function's body, both as PostgreSQL runs them. A trigger
        // that fires otherwise than as made (DISABLE, or ENABLE REPLICA: never in a normal
        // session), or whose function runs with settings of its own (a search_path that
        // finds someone else's operators) or as its owner, is not the one that was made.
        `SELECT t.tgname AS name,
                CASE t.tgenabled WHEN 'O' THEN '' ELSE 'FIRES ' || CAST(t.tgenabled AS TEXT) || ' ' END
                  || pg_get_triggerdef(t.oid) || E'\n' || p.prosrc
                  || coalesce(E'\nSET ' || array_to_string(p.proconfig, ', '), '')
                  || CASE WHEN p.prosecdef THEN E'\nSECURITY DEFINER' ELSE '' END AS sql
           FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
          WHERE t.tgrelid = to_regclass(?) AND NOT t.tgisinternal`,
  );
  // What takes rows past a table's triggers or hides them from a reader, in PostgreSQL: a
  // rule (DO INSTEAD into another table), a table inheriting from it, row security, and
  // triggers switched off for every session of the database.
  const bypasses =
    db.dialect === 'postgres'
      ? db
          .prepare<[string, string, string], string>(
            `SELECT 'a rule ' || rulename || ' that Frontdesk never made is on the trail'
             FROM pg_rewrite WHERE ev_class = to_regclass(?) AND rulename <> '_RETURN'
           UNION ALL
           SELECT 'the table ' || inhrelid::regclass::text || ' inherits from the trail, out of its triggers'' reach'
             FROM pg_inherits WHERE inhparent = to_regclass(?)
           UNION ALL
           SELECT 'row security is on for the trail: entries can be hidden from this check'
             FROM pg_class WHERE oid = to_regclass(?) AND (relrowsecurity OR relforcerowsecurity)
           UNION ALL
           SELECT 'triggers are switched off for this database''s sessions (session_replication_role = '
                  || current_setting('session_replication_role') || ')'
            WHERE current_setting('session_replication_role') <> 'origin'`,
          )
          .pluck()
      : undefined;
  const lastCopy = db.prepare<[string], { audit_id: number; hash: Buffer }>(
    'SELECT audit_id, hash FROM audit_copies WHERE desk_id = ? ORDER BY audit_id DESC LIMIT 1',
  );
  const insertCopy = db.prepare<[SiteAuditRow]>(
    `INSERT INTO audit_copies (desk_id, audit_id, time, user_id, username, action, visitor_id, detail, hash)
     VALUES (@desk_id, @audit_id, @time, @user_id, @username, @action, @visitor_id, @detail, @hash)`,
  );
  const copiesAfter = db.prepare<[string, number, number], AuditRow>(
    `SELECT ${COLUMNS} FROM audit_copies WHERE desk_id = ? AND audit_id > ? ORDER BY audit_id LIMIT ?`,
  );
  // Asked with every request for changes: one look into the key per desk of the site (copies
  // are only ever of its desks), not a walk over every entry held as GROUP BY would be, and
  // for the desk named (this one) its own trail's newest, in the same answer.
  const newest = db.prepare<[string], { desk_id: string; audit_id: number | null }>(
    `SELECT d.desk_id,
            CASE WHEN d.desk_id = ? THEN (SELECT max(audit_id) FROM audit_log)
                 ELSE (SELECT max(c.audit_id) FROM audit_copies c WHERE c.desk_id = d.desk_id) END AS audit_id
       FROM desks d`,
  );
  const newestOf = (me: string): Record<string, number> =>
    Object.fromEntries(newest.all(me).flatMap((row) => (row.audit_id === null ? [] : [[row.desk_id, row.audit_id]])));
  const insertCheckpoint = db.prepare<[AuditCheckpoint]>(
    `INSERT INTO audit_checkpoints (desk_id, audit_id, hash, signature)
     VALUES (@desk_id, @audit_id, @hash, @signature) ON CONFLICT DO NOTHING`,
  );
  // The furthest checkpoint within reach, else the nearest beyond it: a batch ends at one.
  const checkpointWithin = db.prepare<[string, number, number], AuditCheckpoint>(
    `SELECT desk_id, audit_id, hash, signature FROM audit_checkpoints
      WHERE desk_id = ? AND audit_id > ? AND audit_id <= ? ORDER BY audit_id DESC LIMIT 1`,
  );
  const checkpointAfter = db.prepare<[string, number], AuditCheckpoint>(
    `SELECT desk_id, audit_id, hash, signature FROM audit_checkpoints
      WHERE desk_id = ? AND audit_id > ? ORDER BY audit_id LIMIT 1`,
  );
  const checkpoints = db.prepare<[string], AuditCheckpoint>(
    'SELECT desk_id, audit_id, hash, signature FROM audit_checkpoints WHERE desk_id = ? ORDER BY audit_id',
  );
  const pages = new Map<string, ReturnType<Db['prepare']>>();
  const pageOf = (sql: string) => {
    let statement = pages.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      pages.set(sql, statement);
    }
    return statement;
  };

  return {
    last: () => last.get(),
    insert: (row: AuditRow): void => {
      insert.run(row);
    },
    /** This desk's own entries in order after an ID, a batch at a time: what verification walks. */
    after: (auditId: number, limit: number): AuditRow[] => after.all(auditId, limit),
    /** The triggers on a trail table, as the database keeps their text. */
    triggers: (table: TrailTable) => triggers.all(table),
    /** Ways round a trail table's triggers that the database has in place (none in SQLite). */
    bypasses: (table: TrailTable): string[] => bypasses?.all(table, table, table) ?? [],
    /** The triggers that must be on a trail table, in the same words as `triggers`. */
    expectedTriggers: (table: TrailTable): readonly { name: string; sql: string }[] =>
      db.dialect === 'postgres'
        ? pgTrailTriggers(table, db.prepare<[], string>('SELECT current_schema()').pluck().get()!)
        : table === 'audit_log'
          ? AUDIT_TRIGGERS
          : AUDIT_COPY_TRIGGERS,
    /** The highest ID ever given: above the newest entry only if entries were removed from the end. */
    highestGiven: (): number => highestGiven.get() ?? 0,

    /** The newest entry held of another desk's chain, which the next one must follow. */
    lastCopy: (deskId: string) => lastCopy.get(deskId),
    /** Another desk's entry, taken only as the next of its chain (the table refuses any other). */
    insertCopy: (row: SiteAuditRow): void => {
      insertCopy.run(row);
    },
    /** Entries of another desk's chain held here, in order after an ID. */
    copiesAfter: (deskId: string, auditId: number, limit: number): AuditRow[] =>
      copiesAfter.all(deskId, auditId, limit),
    addCheckpoint: (checkpoint: AuditCheckpoint): void => {
      insertCheckpoint.run(checkpoint);
    },
    /** The checkpoint a batch of a chain after `after` ends at: the furthest up to `reach`, else the nearest after. */
    checkpointFrom: (deskId: string, after: number, reach: number): AuditCheckpoint | undefined =>
      checkpointWithin.get(deskId, after, reach) ?? checkpointAfter.get(deskId, after),
    checkpoints: (deskId: string): AuditCheckpoint[] => checkpoints.all(deskId),
    /** The newest entry's ID of each other desk's chain held here. */
    copied: (): Record<string, number> => newestOf(''), // '' names no desk: every row is a copy
    /** The newest entry's ID of every chain held here: the other desks' copies and `me`'s own (0 for none). */
    held: (me: string): Record<string, number> => ({ [me]: 0, ...newestOf(me) }),

    /** A page of the whole site's trail, this desk's own and its copies of the others', newest first. */
    page(me: string, filter: AuditFilter): SiteAuditRow[] {
      // `system` is in the SQL itself; better-sqlite3 refuses a named parameter the SQL lacks.
      const params = {
        ...filter,
        system: undefined,
        before: undefined,
        ...(filter.before ? { t: filter.before.time, d: filter.before.desk_id, a: filter.before.audit_id } : {}),
      };
      const own = pageOf(pageSql('audit_log', '@me', filter)).all({ ...params, me }) as SiteAuditRow[];
      const copies = pageOf(pageSql('audit_copies', 'desk_id', filter)).all(params) as SiteAuditRow[];
      return [...own, ...copies].sort(newestFirst).slice(0, filter.limit);
    },
  };
}

export type AuditLogRepository = ReturnType<typeof auditLogRepository>;
