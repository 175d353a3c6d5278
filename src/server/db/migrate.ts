import type Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';
import { createOwnerOnlyFile } from '../file-modes';
import { logger } from '../log';

const log = logger('migrate');

export class DatabaseFromTheFutureError extends Error {
  constructor(found: number, known: number) {
    super(`The database is at schema version ${found}, newer than this app knows (${known}). Update Frontdesk.`);
  }
}

/**
 * Brings the schema to the latest version, one migration per transaction, each setting
 * user_version so a crash leaves the database at a whole version. A database that
 * already has data is copied aside first (`VACUUM INTO`), so a failed upgrade on a
 * kiosk can be undone by hand.
 */
export function migrate(db: Database.Database, backupPath: (fromVersion: number) => string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) throw new DatabaseFromTheFutureError(current, MIGRATIONS.length);
  if (current === MIGRATIONS.length) return;
  if (current > 0) {
    const target = backupPath(current);
    // VACUUM INTO fills an empty file, which keeps the owner-only mode given here.
    createOwnerOnlyFile(target);
    db.prepare('VACUUM INTO ?').run(target);
    log.info(`backed up schema version ${current} to ${target}`);
  }
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    const migration = MIGRATIONS[version - 1]!;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${version}`);
    })();
    log.info(`applied ${migration.name}`);
  }
}
