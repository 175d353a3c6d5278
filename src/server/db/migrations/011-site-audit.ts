import type { Migration } from '../migration';

/**
 * What keeps the copies of other desks' trails append-only (as AUDIT_TRIGGERS in
 * 004-privacy.ts keeps this desk's own): an entry is taken only as the next of its desk's
 * chain, and nothing taken is changed or removed. `cli audit verify` compares them to these.
 */
export const AUDIT_COPY_TRIGGERS = [
  {
    name: 'audit_copies_no_update',
    sql: `CREATE TRIGGER audit_copies_no_update BEFORE UPDATE ON audit_copies
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END`,
  },
  {
    name: 'audit_copies_no_delete',
    sql: `CREATE TRIGGER audit_copies_no_delete BEFORE DELETE ON audit_copies
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END`,
  },
  {
    name: 'audit_copies_append_only',
    sql: `CREATE TRIGGER audit_copies_append_only BEFORE INSERT ON audit_copies
        WHEN NEW.audit_id IS NOT coalesce((SELECT max(audit_id) FROM audit_copies WHERE desk_id = NEW.desk_id), 0) + 1
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END`,
  },
] as const;

/**
 * Every desk of a site holds a copy of every other desk's audit trail (API contract Part 3),
 * entry for entry with its ID and hash as its desk chained it, and the heads its desk signed,
 * so that each chain can be verified wherever it is held, and no desk can make up or change
 * an entry of another's. A desk's own trail stays in `audit_log`; the whole site's is
 * read newest first (db/repositories/audit-log.ts), so every trail is indexed by time.
 */
export const siteAudit: Migration = {
  version: 11,
  name: 'site-audit',
  up(db) {
    db.exec(`
      CREATE TABLE audit_copies (
        desk_id    TEXT NOT NULL,
        audit_id   INTEGER NOT NULL,
        time       INTEGER NOT NULL,
        user_id    INTEGER,
        username   TEXT NOT NULL,
        action     TEXT NOT NULL,
        visitor_id TEXT,
        detail     TEXT NOT NULL,
        hash       BLOB NOT NULL,
        PRIMARY KEY (desk_id, audit_id)
      ) STRICT, WITHOUT ROWID;
      -- Signed heads of those chains, as their desks signed them (site/trail-exchange.ts): an
      -- entry is taken only on the way to one, and passed on only up to one.
      CREATE TABLE audit_checkpoints (
        desk_id   TEXT NOT NULL,
        audit_id  INTEGER NOT NULL,
        hash      BLOB NOT NULL,
        signature BLOB NOT NULL,
        PRIMARY KEY (desk_id, audit_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX audit_copies_by_time ON audit_copies(time, desk_id, audit_id);
      CREATE INDEX audit_copies_by_visitor ON audit_copies(visitor_id, time) WHERE visitor_id IS NOT NULL;
      CREATE INDEX audit_copies_by_action ON audit_copies(action, time);
      CREATE INDEX audit_copies_by_account ON audit_copies(user_id, time);
      ${AUDIT_COPY_TRIGGERS.map((trigger) => trigger.sql).join(';\n      ')};

      -- The site's trail is read newest first across desks, so this desk's own is filtered by time too.
      DROP INDEX audit_by_visitor;
      DROP INDEX audit_by_action;
      DROP INDEX audit_by_account;
      CREATE INDEX audit_by_visitor ON audit_log(visitor_id, time) WHERE visitor_id IS NOT NULL;
      CREATE INDEX audit_by_action ON audit_log(action, time);
      CREATE INDEX audit_by_account ON audit_log(user_id, time);
    `);
  },
};
