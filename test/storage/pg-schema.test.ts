import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../../src/server/db/connection';
import { DatabaseFromTheFutureError } from '../../src/server/db/migrate';
import { MIGRATIONS } from '../../src/server/db/migrations';
import { migratePostgres } from '../../src/server/db/postgres/migrate';
import { PgDatabase } from '../../src/server/db/postgres/pg-database';
import { PgStatementError } from '../../src/server/db/postgres/pg-sync';
import { PG_SCHEMA_STEPS } from '../../src/server/db/postgres/schema';
import { describeWithPostgres, usePostgresCluster } from '../helpers/postgres';
import { pgWorkerFile } from '../../src/server/db/postgres/open-postgres';

it('has a PostgreSQL step for every schema version a desk has', () => {
  expect(PG_SCHEMA_STEPS[PG_SCHEMA_STEPS.length - 1]!.version).toBe(MIGRATIONS.length);
  PG_SCHEMA_STEPS.forEach((step, i) => expect(step.version).toBeGreaterThan(PG_SCHEMA_STEPS[i - 1]?.version ?? 0));
});

interface Column {
  table: string;
  column: string;
  type: string;
  notNull: boolean;
  primaryKey: boolean;
}

/** A desk's tables as SQLite has them, but for the full-text index (FTS5 and its shadow tables). */
function deskColumns(): Column[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-schema-'));
  const db = openDatabase(path.join(dir, 'frontdesk.db'));
  try {
    const tables = db
      .prepare(
        `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'visitors_fts%'`,
      )
      .pluck()
      .all() as string[];
    return tables.flatMap((table) =>
      (
        db.prepare(`SELECT name, type, "notnull", pk FROM pragma_table_info(?)`).all(table) as {
          name: string;
          type: string;
          notnull: number;
          pk: number;
        }[]
      ).map((column) => ({
        table,
        column: column.name,
        type: { INTEGER: 'bigint', TEXT: 'text', BLOB: 'bytea' }[column.type] ?? column.type,
        // SQLite lets a non-INTEGER primary key hold NULL; PostgreSQL does not, nor do we.
        notNull: column.notnull === 1 || column.pk > 0,
        primaryKey: column.pk > 0,
      })),
    );
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describeWithPostgres('the schema on PostgreSQL', () => {
  const cluster = usePostgresCluster();
  let db: PgDatabase;

  beforeAll(async () => {
    const url = await cluster().createDatabase('schema');
    db = new PgDatabase({ connectionString: url, workerFile: pgWorkerFile(), timeoutMs: 3000 });
    migratePostgres(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('has every table and column of a desk, of the same kind, nullability and primary key', () => {
    const columns = db
      .prepare(
        `SELECT c.table_name AS "table", c.column_name AS "column", c.data_type AS type,
                c.is_nullable = 'NO' AS "notNull",
                EXISTS (SELECT 1 FROM information_schema.key_column_usage k
                          JOIN information_schema.table_constraints t USING (constraint_name, table_name)
                         WHERE t.constraint_type = 'PRIMARY KEY' AND k.table_name = c.table_name
                           AND k.column_name = c.column_name) AS "primaryKey"
           FROM information_schema.columns c
          WHERE c.table_schema = 'public' AND c.table_name NOT IN ('schema_version', 'data_version', 'audit_high_water', 'visitors_fts', 'sign_in_attempts')`,
      )
      .all() as Column[];
    // Truths come back as 1 and 0, as SQLite gives them (db/postgres/pg-database.ts).
    const asBooleans = columns.map((c) => ({ ...c, notNull: Boolean(c.notNull), primaryKey: Boolean(c.primaryKey) }));
    const order = (list: Column[]) =>
      [...list].sort((a, b) => a.table.localeCompare(b.table) || a.column.localeCompare(b.column));
    expect(order(asBooleans)).toEqual(order(deskColumns()));
  });

  it('does nothing the second time, and refuses a database newer than it knows', () => {
    migratePostgres(db);
    expect(db.prepare('SELECT version FROM schema_version').pluck().get()).toBe(MIGRATIONS.length);
    db.write(() => db.prepare('UPDATE schema_version SET version = version + 1').run());
    try {
      expect(() => migratePostgres(db)).toThrow(DatabaseFromTheFutureError);
    } finally {
      db.write(() => db.prepare('UPDATE schema_version SET version = version - 1').run());
    }
  });

  it('keeps the audit trail append-only, as a desk does', () => {
    const append = db.prepare(
      `INSERT INTO audit_log (audit_id, time, username, action, detail, hash) VALUES (?, 0, 'a', 'x', '{}', '\\x00')`,
    );
    db.write(() => append.run(1));
    for (const change of [
      () => append.run(1),
      () => db.prepare('UPDATE audit_log SET detail = ?').run('{"forged":true}'),
      () => db.prepare('DELETE FROM audit_log').run(),
    ]) {
      expect(() => db.write(change)).toThrow(/append-only/);
    }
    expect(() => db.write(() => append.run(1))).toThrow(PgStatementError);
    expect(db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(1);
  });

  it('indexes a visitor for search as they check in, accents and case aside, by the start of a word', () => {
    db.write(() => {
      db.prepare(`INSERT INTO visitees (name) VALUES ('Zoë Ångström')`).run();
      db.prepare(
        `INSERT INTO visitors (visitor_id, card_no, name, mobile, purpose, visitee_no, entry_at)
         VALUES ('v1', 17, 'José Müller', '+4479460000', 'Interview', 1, 0)`,
      ).run();
    });
    const found = db.prepare(`SELECT seq FROM visitors_fts WHERE document @@ to_tsquery('simple', ?)`).pluck();
    for (const words of ['jose:*', 'MULL:*', 'angstrom', 'zoe & interv:*', '17']) expect(found.all(words)).toEqual([1]);
    expect(found.all('ada:*')).toEqual([]);
  });
});
