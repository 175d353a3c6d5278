import type { Db } from '../connection';

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

export interface AuditFilter {
  before: number;
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
  const highestGiven = db.prepare<[], number>("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").pluck();
  const triggers = db.prepare<[], { name: string; sql: string }>(
    // SQLite keeps the table name as the trigger spelled it: "ON AUDIT_LOG" is the same table.
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND lower(tbl_name) = 'audit_log'",
  );
  const pages = new Map<string, ReturnType<Db['prepare']>>();

  return {
    last: () => last.get(),
    insert: (row: AuditRow): void => {
      insert.run(row);
    },
    /** Entries in order after an ID, a batch at a time: what verification walks. */
    after: (auditId: number, limit: number): AuditRow[] => after.all(auditId, limit),
    /** The triggers on the trail, as SQLite keeps their text. */
    triggers: () => triggers.all(),
    /** The highest ID ever given: above the newest entry only if entries were removed from the end. */
    highestGiven: (): number => highestGiven.get() ?? 0,
    /** Newest first, below `before`, with the filters given (each one an index). */
    page(filter: AuditFilter): AuditRow[] {
      const where = ['audit_id < @before'];
      if (filter.visitor_id !== undefined) where.push('visitor_id = @visitor_id');
      if (filter.action !== undefined) where.push('action = @action');
      if (filter.user_id !== undefined) where.push('user_id = @user_id');
      if (filter.system) where.push('user_id IS NULL');
      if (filter.start !== undefined) where.push('time >= @start');
      if (filter.end !== undefined) where.push('time < @end');
      const sql = `SELECT ${COLUMNS} FROM audit_log WHERE ${where.join(' AND ')} ORDER BY audit_id DESC LIMIT @limit`;
      let statement = pages.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        pages.set(sql, statement);
      }
      // `system` is in the SQL itself; better-sqlite3 refuses a named parameter the SQL lacks.
      return statement.all({ ...filter, system: undefined }) as AuditRow[];
    },
  };
}

export type AuditLogRepository = ReturnType<typeof auditLogRepository>;
