import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { createOwnerOnlyFile, OWNER_ONLY_FILE } from '../file-modes';
import { migrate } from './migrate';
import type { LockOptions, SqlDatabase, SqlStatement } from './sql-database';

export type Db = SqlDatabase;

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
export function openDatabase(file: string): SqliteDatabase {
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
    return new SqliteDatabase(db);
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * The database's count of writes made elsewhere (SqlDatabase.externalChanges: SQLite's
 * data_version, or a company server's counter), read at most once per turn of the event
 * loop: the requests one turn answers arrived together, and a commit by another process
 * lands between turns for all of them alike. Each read is a read transaction with its locks
 * (on PostgreSQL a round trip), which a thumbnail would otherwise pay for (`npm run bench`,
 * serving).
 */
export function dataVersionReader(db: Db): () => number {
  let version: number | undefined;
  const nextTurn = (): void => {
    version = undefined;
  };
  return () => {
    if (version === undefined) {
      version = db.externalChanges();
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
export function guardWrites({ raw: db }: SqliteDatabase): void {
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
  }) as Database.Database['prepare'];
}

/**
 * A desk's database: better-sqlite3 with nothing in between for a statement (the hot paths
 * prepare once and run the library's own statements). Writes take the write lock as they
 * begin (BEGIN IMMEDIATE), so that two processes on one folder never both decide on what
 * they read.
 */
export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite';
  /** One transaction function for every write: a call inside a transaction is a savepoint. */
  private readonly transaction: Database.Transaction<(work: () => unknown) => unknown>;
  private readonly dataVersion: Database.Statement<[], number>;

  constructor(readonly raw: Database.Database) {
    this.transaction = raw.transaction((work: () => unknown) => work());
    // SQLite's own: it moves whenever another connection commits, never for this one's writes.
    this.dataVersion = raw.prepare<[], number>('PRAGMA data_version').pluck();
  }

  externalChanges(): number {
    return this.dataVersion.get()!;
  }

  get inTransaction(): boolean {
    return this.raw.inTransaction;
  }

  prepare<Params extends unknown[] | object = unknown[], Row = unknown>(
    source: string,
  ): Params extends unknown[] ? SqlStatement<Params, Row> : SqlStatement<[Params], Row> {
    return this.raw.prepare<Params, Row>(source);
  }

  exec(source: string): void {
    this.raw.exec(source);
  }

  write<T>(work: () => T, options: LockOptions = {}): T {
    if (this.raw.inTransaction) return this.transaction(work) as T;
    const wait = options.waitForLock ?? true;
    const durable = options.durable ?? true;
    if (!wait) this.raw.pragma('busy_timeout = 0');
    if (!durable) this.raw.pragma('synchronous = NORMAL');
    try {
      return this.transaction.immediate(work) as T;
    } finally {
      if (!wait) this.raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      if (!durable) this.raw.pragma('synchronous = FULL');
    }
  }

  scrubFreed(): boolean {
    // Without waiting: a TRUNCATE checkpoint would otherwise sit in the busy handler for the
    // whole busy timeout while another process reads, and the desk would freeze with it.
    this.raw.pragma('busy_timeout = 0');
    try {
      const [result] = this.raw.pragma('wal_checkpoint(TRUNCATE)') as {
        busy: number;
        log: number;
        checkpointed: number;
      }[];
      return result !== undefined && result.busy === 0 && result.log === result.checkpointed;
    } finally {
      this.raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  close(): void {
    this.raw.close();
  }
}
