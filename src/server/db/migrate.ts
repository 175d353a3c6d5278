import type Database from 'better-sqlite3';
import type { Migration } from './migration';
import { MIGRATIONS } from './migrations';
import { createOwnerOnlyFile } from '../file-modes';
import { logger } from '../log';

const log = logger('migrate');

export class DatabaseFromTheFutureError extends Error {
  constructor(found: number, known: number) {
    super(`The database is at schema version ${found}, newer than this app knows (${known}). Update Frontdesk.`);
  }
}

/** Versions must run 1, 2, 3…: a gap or a repeat is a programming error, found at start-up. */
export function assertMonotonic(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migration ${migration.name} has version ${migration.version}; expected ${index + 1}.`);
    }
  });
}

/**
 * Brings the schema to the latest version, all steps in one transaction, each setting
 * user_version, so a crash leaves the database at the version it had. A database that
 * already has data is copied aside first (`VACUUM INTO`), so a failed upgrade on a
 * kiosk can be undone by hand.
 */
export function migrate(
  db: Database.Database,
  backupPath: (fromVersion: number) => string,
  migrations: readonly Migration[] = MIGRATIONS,
): void {
  assertMonotonic(migrations);
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) throw new DatabaseFromTheFutureError(current, migrations.length);
  if (current === migrations.length) return;
  if (current > 0) {
    const target = backupPath(current);
    // VACUUM INTO fills an empty file, which keeps the owner-only mode given here.
    createOwnerOnlyFile(target);
    db.prepare('VACUUM INTO ?').run(target);
    log.info(`backed up schema version ${current} to ${target}`);
  }
  // One transaction for the whole upgrade: a crash or a failing step leaves the database at
  // the version it had, so the next start upgrades from there again and every step sees the
  // same `upgradedFrom` (a step that read a half-upgraded folder as new would misjudge it).
  db.transaction(() => {
    for (const migration of migrations.slice(current)) {
      migration.up(db, current);
      db.pragma(`user_version = ${migration.version}`);
      log.info(`applied ${migration.version} ${migration.name}`);
    }
  })();
}
