import fs from 'node:fs';
import path from 'node:path';
import { TOUCHED_TABLE } from '../repositories/change-log';
import { migratePostgres } from './migrate';
import { PgDatabase } from './pg-database';

/**
 * Where pg-worker runs from: its source beside this file (tests, tsx), or its entry in the
 * build (electron.vite.config.ts), beside the entries whose chunks hold this module.
 */
export function pgWorkerFile(): string {
  const candidates = [
    path.join(__dirname, 'pg-worker.mts'),
    path.join(__dirname, 'pg-worker.js'),
    path.join(__dirname, '..', 'pg-worker.js'),
  ];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new Error(`The PostgreSQL worker is missing (looked for ${candidates.join(', ')}).`);
  return found;
}

/** A company server's database (API contract Part 6), its schema brought up to date. */
export function openPostgres(connectionString: string): PgDatabase {
  const db = new PgDatabase({ connectionString, workerFile: pgWorkerFile(), sessionSetup: TOUCHED_TABLE.postgres });
  try {
    migratePostgres(db);
    return db;
  } catch (error) {
    void db.close();
    throw error;
  }
}
