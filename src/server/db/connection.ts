import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { createOwnerOnlyFile, OWNER_ONLY_FILE } from '../file-modes';
import { migrate } from './migrate';

export type Db = Database.Database;

/** How long a statement waits for another process's lock before giving up (SQLITE_BUSY). */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if needed) the database and brings its schema up to date.
 *
 * synchronous=FULL: in WAL mode better-sqlite3 defaults to NORMAL, where a power cut
 * can lose the last commits; a receptionist who saw "checked in" must find the visitor
 * after the lights come back. busy_timeout: another process (a backup tool, a second
 * CLI) holding the lock makes us wait and retry instead of failing at once.
 */
export function openDatabase(file: string): Db {
  createOwnerOnlyFile(file);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // SQLite gives -wal and -shm the database file's mode when it creates them; files
    // left by an older version or another tool are put right here.
    for (const suffix of ['-wal', '-shm']) {
      if (fs.existsSync(file + suffix)) fs.chmodSync(file + suffix, OWNER_ONLY_FILE);
    }
    db.pragma('synchronous = FULL');
    // Freed pages and cells are overwritten with zeros: an erased visitor's name does not
    // linger in free space (API contract Part 2, Privacy).
    db.pragma('secure_delete = ON');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    migrate(db, (version) =>
      path.join(path.dirname(file), `${path.basename(file, '.db')}.v${version}-${Date.now()}.bak.db`),
    );
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * SQLite's data_version for this connection: it moves whenever another connection (another
 * process on the same file) commits, and never for this connection's own writes. Read at
 * most once per turn of the event loop: the requests one turn answers arrived together,
 * and a commit by another process lands between turns for all of them alike. Each read is
 * a read transaction with its locks, which a thumbnail would otherwise pay for
 * (`npm run bench`, serving).
 */
export function dataVersionReader(db: Db): () => number {
  const statement = db.prepare<[], number>('PRAGMA data_version').pluck();
  let version: number | undefined;
  const nextTurn = (): void => {
    version = undefined;
  };
  return () => {
    if (version === undefined) {
      version = statement.get()!;
      // Kept referenced: an unreferenced immediate would let the loop block in its poll
      // phase (up to the next timer, a second) with the old value still held.
      setImmediate(nextTurn);
    }
    return version;
  };
}

/**
 * Refuses, from now on, any statement that writes and runs outside a transaction: every
 * write goes through the unit of work (services/unit-of-work.ts), which commits a change
 * with its audit entry, and a write that forgot it fails at once, in every test, instead of
 * committing alone. PRAGMAs (settings of the connection, checkpoints) are not writes of data.
 */
export function guardWrites(db: Db): void {
  const prepare = db.prepare.bind(db) as (...args: unknown[]) => Database.Statement;
  db.prepare = ((...args: unknown[]) => {
    const statement = prepare(...args);
    if (statement.readonly || /^\s*PRAGMA\b/i.test(statement.source)) return statement;
    for (const method of ['run', 'get', 'all', 'iterate'] as const) {
      const original = (statement[method] as (...values: unknown[]) => unknown).bind(statement);
      (statement as unknown as Record<string, unknown>)[method] = (...values: unknown[]) => {
        if (!db.inTransaction) throw new Error(`a write outside a unit of work: ${statement.source.slice(0, 80)}`);
        return original(...values);
      };
    }
    return statement;
  }) as Db['prepare'];
}
