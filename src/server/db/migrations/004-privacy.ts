import type { Migration } from '../migration';

/**
 * What keeps the trail append-only, as SQLite keeps each trigger's text in sqlite_master:
 * `cli audit verify` compares them to these, so a dropped or rewritten trigger is found.
 * The third allows an insert only after the newest entry, with its ID given (audit-log.ts
 * does): no entry slipped in before (ID 0, negative IDs), and no INSERT OR REPLACE over an
 * existing one, whose implicit delete fires no DELETE trigger. An ID left to SQLite reads
 * as -1 or NULL there.
 */
export const AUDIT_TRIGGERS = [
  {
    name: 'audit_log_no_update',
    sql: `CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END`,
  },
  {
    name: 'audit_log_no_delete',
    sql: `CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END`,
  },
  {
    name: 'audit_log_append_only',
    sql: `CREATE TRIGGER audit_log_append_only BEFORE INSERT ON audit_log
        WHEN NEW.audit_id IS NULL OR NEW.audit_id <= coalesce((SELECT max(audit_id) FROM audit_log), 0)
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END`,
  },
] as const;

/**
 * Privacy (API contract Part 2): the append-only audit trail, erasure, and the files
 * an erasure or a purge has still to delete.
 */
export const privacy: Migration = {
  version: 4,
  name: 'privacy',
  up(db) {
    db.exec(`
      -- Who did what, never to whom by more than an ID. Each entry's hash is SHA-256 over the
      -- previous entry's hash and this entry's fields (audit-trail.ts), so an entry changed or
      -- removed by editing the file breaks the chain; AUTOINCREMENT keeps sqlite_sequence at
      -- the highest ID ever given, so removing the newest entries shows too.
      CREATE TABLE audit_log (
        audit_id   INTEGER PRIMARY KEY AUTOINCREMENT,
        time       INTEGER NOT NULL,
        user_id    INTEGER,
        username   TEXT NOT NULL,
        action     TEXT NOT NULL,
        visitor_id TEXT,
        detail     TEXT NOT NULL,
        hash       BLOB NOT NULL
      ) STRICT;
      CREATE INDEX audit_by_visitor ON audit_log(visitor_id, audit_id) WHERE visitor_id IS NOT NULL;
      CREATE INDEX audit_by_action ON audit_log(action, audit_id);
      CREATE INDEX audit_by_user ON audit_log(username, audit_id);
      CREATE INDEX audit_by_time ON audit_log(time);
      ${AUDIT_TRIGGERS.map((trigger) => trigger.sql).join(';\n      ')};

      ALTER TABLE visitors ADD COLUMN erased_at INTEGER;

      -- Photo files whose rows are gone (an erasure, a purge): deleted right after the commit
      -- that removed the rows, and by start-up if a crash came first, before any request.
      -- Work an erasure committed to and must still finish (the scrub of freed data): done
      -- right after the commit, and at start-up if a crash or a lock came first.
      CREATE TABLE pending_scrubs (
        since INTEGER PRIMARY KEY
      ) STRICT;

      CREATE TABLE photo_deletions (
        visitor_id TEXT PRIMARY KEY,
        format     TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
