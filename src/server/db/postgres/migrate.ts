import { logger } from '../../log';
import { DatabaseFromTheFutureError } from '../migrate';
import type { PgDatabase } from './pg-database';
import { PG_SCHEMA_STEPS, type PgSchemaStep } from './schema';

const log = logger('migrate');

/**
 * Moved by every write of the server's instances (db/postgres/pg-database.ts): what SQLite's
 * data_version is to a desk's processes. Made before any step, as the first write moves it.
 */
export const DATA_VERSION_TABLE = `CREATE TABLE IF NOT EXISTS data_version (one BIGINT PRIMARY KEY CHECK (one = 1), n BIGINT NOT NULL);
  INSERT INTO data_version VALUES (1, 0) ON CONFLICT DO NOTHING;`;

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
             ${DATA_VERSION_TABLE}`);
    const current = (db.prepare('SELECT version FROM schema_version').pluck().get() as number | undefined) ?? 0;
    if (current > latest) throw new DatabaseFromTheFutureError(current, latest);
    for (const step of steps.filter((candidate) => candidate.version > current)) {
      db.exec(step.sql);
      db.prepare(
        'INSERT INTO schema_version (one, version) VALUES (1, ?) ON CONFLICT (one) DO UPDATE SET version = excluded.version',
      ).run(step.version);
      log.info(`applied ${step.version} ${step.name}`);
    }
  });
}
