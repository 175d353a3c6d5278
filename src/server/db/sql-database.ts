/**
 * The database as the repositories and the unit of work see it, whichever engine holds it:
 * a desk's SQLite file (db/connection.ts) or a company server's PostgreSQL
 * (db/postgres/pg-database.ts). Its shape is better-sqlite3's, which a desk's SQLite
 * database is with nothing in between: statements are prepared once and answer at once.
 * Statements are written in the SQL both engines share (`INSERT … ON CONFLICT DO NOTHING`,
 * `RETURNING`, no rowid); what must differ (full-text search, the change log's triggers,
 * scrubbing what an erasure leaves) asks `dialect`.
 */
export interface SqlStatement<Params extends unknown[], Row = unknown> {
  readonly source: string;
  /** Whether the statement only reads: a write outside a unit of work is refused. */
  readonly readonly: boolean;
  get(...params: Params): Row | undefined;
  all(...params: Params): Row[];
  run(...params: Params): { changes: number };
  /** Rows become their first column's value (`Row` is then that value's type). */
  pluck(): this;
  /** Rows become arrays of their values, in the order of the columns. */
  raw(): this;
}

export interface LockOptions {
  /** false: give up at once when another process holds the write lock, instead of waiting for it. */
  waitForLock?: boolean;
  /**
   * false: commit without waiting for the disk. Only for a write whose loss in a power cut
   * repeats work and loses nothing (services/unit-of-work.ts).
   */
  durable?: boolean;
  /**
   * false: only for a write to rows no other write reads, which serialises itself by the
   * rows it locks (a company server's sign-in throttle): PostgreSQL then takes no write lock,
   * so it never waits behind check-ins. SQLite has one lock for every write and takes it.
   */
  exclusive?: boolean;
}

export type Dialect = 'sqlite' | 'postgres';

/** A write refused because a unique key is taken, in either engine's words (SQLite's code, SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

export interface SqlDatabase {
  readonly dialect: Dialect;
  readonly inTransaction: boolean;
  prepare<Params extends unknown[] | object = unknown[], Row = unknown>(
    source: string,
  ): Params extends unknown[] ? SqlStatement<Params, Row> : SqlStatement<[Params], Row>;
  /** Statements without values, one after another (a schema's, a connection's setup). */
  exec(source: string): void;
  /**
   * Runs `work` in a transaction that holds the write lock from its start, so that what it
   * reads is what it decides on; called inside one, a savepoint: if `work` throws, what it
   * did is undone and the error goes on.
   */
  write<T>(work: () => T, options?: LockOptions): T;
  /**
   * Clears what the engine keeps of removed values beside the live rows, outside any
   * transaction: SQLite's WAL (copied into the database, whose freed pages secure_delete has
   * zeroed, and emptied), PostgreSQL's dead row versions (VACUUM). False when another
   * connection's open read kept some of it in use: the caller tries again later.
   */
  scrubFreed(): boolean;
  /**
   * A number that moves when another connection (another process on a desk's folder,
   * another instance of a company server) commits a change, and never for this one's own:
   * what lets memories of rows and the events stream hear of writes made elsewhere.
   */
  externalChanges(): number;
  close(): void | Promise<void>;
}

/** The code of a write the database was asked to commit and did not say whether it did. */
export const COMMIT_UNKNOWN = 'COMMIT_UNKNOWN';

/**
 * Whether a failed write may have committed all the same: a company server's PostgreSQL went
 * between the commit and its answer (db/postgres/pg-sync.ts). A desk's SQLite always knows.
 */
export function mayHaveCommitted(error: unknown): boolean {
  return (error as { code?: unknown } | null | undefined)?.code === COMMIT_UNKNOWN;
}
