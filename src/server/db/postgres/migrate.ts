import { logger } from '../../log';
import { DatabaseFromTheFutureError } from '../migrate';
import type { PgDatabase } from './pg-database';
import { DATA_VERSION_TABLE, DATA_VERSION_TRIGGERS } from './data-version';
import { PG_SCHEMA_STEPS, type PgSchemaStep } from './schema';

const log = logger('migrate');

/**
 * Failed sign-ins counted across every instance (db/repositories/sign-in-attempts.ts): a
 * company server's own, not part of the desk's schema. UNLOGGED: no WAL, and emptied by a
 * crash, which forgets an attacker's waits at most.
 */
export const SIGN_IN_ATTEMPTS_TABLE = `
  CREATE UNLOGGED TABLE IF NOT EXISTS sign_in_attempts (
    key TEXT PRIMARY KEY, failures BIGINT NOT NULL, last_failure_at BIGINT NOT NULL);`;

/** Whether the desks table's data_version trigger leaves its quiet columns out (an UPDATE OF list). */
function quietDesks(db: PgDatabase): boolean {
  const definition = db
    .prepare(
      `SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'desks'::regclass AND tgname = 'data_version_move'`,
    )
    .pluck()
    .get() as string | undefined;
  return definition?.includes('UPDATE OF') ?? false;
}

/**
 * Brings a company server's database to the latest schema by the data folder's rules
 * (db/migrate.ts): a database newer than this server is refused, and the whole upgrade is
 * one transaction (PostgreSQL's DDL is transactional), so a crash or a failing step leaves
 * the version it had. The upgrade holds the write lock: instances started together upgrade
 * one after the other, and the later ones find nothing to do.
 */
export function migratePostgres(
  db: PgDatabase,
  steps: readonly PgSchemaStep[] = PG_SCHEMA_STEPS,
  { schema }: { schema?: string } = {},
): void {
  const latest = steps[steps.length - 1]!.version;
  db.write(() => {
    // A new site's schema is made in the same transaction as its tables: never a schema half made.
    if (schema) db.exec(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
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
    // Also where the schema is current but its triggers predate QUIET_DESK_COLUMNS (data-version.ts).
    if (current < latest || !quietDesks(db)) db.exec(DATA_VERSION_TRIGGERS);
  });
}
