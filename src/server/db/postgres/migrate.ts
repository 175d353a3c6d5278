import { logger } from '../../log';
import { DatabaseFromTheFutureError } from '../migrate';
import type { PgDatabase } from './pg-database';
import { PG_SCHEMA_STEPS, type PgSchemaStep } from './schema';

const log = logger('migrate');

/**
 * What SQLite's data_version is to a desk's processes: moved once by every transaction that
 * changes a table, whoever's (another instance, a tool), by a trigger on each table
 * (DATA_VERSION_TRIGGERS). `tx` is the transaction that moved it last, by which an instance
 * knows its own writes (db/postgres/pg-database.ts).
 */
export const DATA_VERSION_TABLE = `
  CREATE TABLE IF NOT EXISTS data_version (one BIGINT PRIMARY KEY CHECK (one = 1), n BIGINT NOT NULL, tx TEXT);
  INSERT INTO data_version VALUES (1, 0, NULL) ON CONFLICT DO NOTHING;
  CREATE OR REPLACE FUNCTION data_version_move() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    UPDATE data_version SET n = n + 1, tx = pg_current_xact_id()::text
     WHERE tx IS DISTINCT FROM pg_current_xact_id()::text;
    RETURN NULL;
  END $$;`;

/**
 * Failed sign-ins counted across every instance (db/repositories/sign-in-attempts.ts): a
 * company server's own, not part of the desk's schema. UNLOGGED: no WAL, and emptied by a
 * crash, which forgets an attacker's waits at most.
 */
export const SIGN_IN_ATTEMPTS_TABLE = `
  CREATE UNLOGGED TABLE IF NOT EXISTS sign_in_attempts (
    key TEXT PRIMARY KEY, failures BIGINT NOT NULL, last_failure_at BIGINT NOT NULL);`;

/**
 * A trigger on every table of the schema that moves data_version, but the version tables
 * and the sign-in throttle's (a guess is not a change anyone's screen must hear of).
 */
export const DATA_VERSION_TRIGGERS = `DO $$
  DECLARE t text;
  BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema()
              AND tablename NOT IN ('data_version', 'schema_version', 'sign_in_attempts') LOOP
      EXECUTE format('CREATE OR REPLACE TRIGGER data_version_move AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
                        ON %I FOR EACH STATEMENT EXECUTE FUNCTION data_version_move()', t);
    END LOOP;
  END $$;`;

/**
 * Brings a company server's database to the latest schema by the data folder's rules
 * (db/migrate.ts): a database newer than this server is refused, and the whole upgrade is
 * one transaction (PostgreSQL's DDL is transactional), so a crash or a failing step leaves
 * the version it had. The upgrade holds the write lock: instances started together upgrade
 * one after the other, and the later ones find nothing to do.
 */
export function migratePostgres(db: PgDatabase, steps: readonly PgSchemaStep[] = PG_SCHEMA_STEPS): void {
  const latest = steps[steps.length - 1]!.version;
  db.write(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_version (one BIGINT PRIMARY KEY CHECK (one = 1), version BIGINT NOT NULL);
             ${DATA_VERSION_TABLE} ${SIGN_IN_ATTEMPTS_TABLE}`);
    const current = (db.prepare('SELECT version FROM schema_version').pluck().get() as number | undefined) ?? 0;
    if (current > latest) throw new DatabaseFromTheFutureError(current, latest);
    for (const step of steps.filter((candidate) => candidate.version > current)) {
      db.exec(step.sql);
      db.prepare(
        'INSERT INTO schema_version (one, version) VALUES (1, ?) ON CONFLICT (one) DO UPDATE SET version = excluded.version',
      ).run(step.version);
      log.info(`applied ${step.version} ${step.name}`);
    }
    if (current < latest) db.exec(DATA_VERSION_TRIGGERS);
  });
}
