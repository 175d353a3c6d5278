import { createHash } from 'node:crypto';
import type { LockOptions, SqlDatabase, SqlStatement } from '../sql-database';
import type { PgRows } from './pg-protocol';
import { CommitUnknownError, DatabaseUnavailableError, startPgSync, type PgSync, type PgSyncOptions } from './pg-sync';
import { pgValues, toPgStatement, type PgStatementText } from './sql-params';

/** Another instance holds the write lock and the caller would not wait: nothing was done. */
export class WriteLockBusyError extends Error {
  readonly code = 'WRITE_LOCK_BUSY';
}

/**
 * Every write of one store takes this transaction-scoped advisory lock first, so that writes
 * are one at a time across every instance on the database, as SQLite's BEGIN IMMEDIATE makes
 * them on a desk: a unit of work reads what it decides on with nobody writing beside it, and
 * no write is refused for serialization (which a synchronous unit could not retry). "FDW1".
 */
export const WRITE_LOCK = 0x46445731;

/** The tables an erasure or a purge rewrites or deletes from. */
const SCRUBBED_TABLES = ['visitors', 'visitors_fts', 'photos', 'expected_visits', 'notices', 'signatures', 'watchlist'];

/** A schema's name as SQL text names it (the names are ours: db/postgres/site-schemas.ts). */
const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** A statement prepared on PostgreSQL: its rows are shaped as better-sqlite3 shapes them. */
type PgStatement = SqlStatement<unknown[], unknown>;

const READS = /^\s*(SELECT|WITH|VALUES|SHOW|EXPLAIN)\b/i;

/**
 * A row as better-sqlite3 gives it: bytes as a Buffer, and a truth (EXISTS, a comparison) as
 * 1 or 0, for SQLite has no booleans and the repositories compare with numbers.
 */
function shape(rows: PgRows, index: number, mode: 'object' | 'pluck' | 'raw'): unknown {
  const values = rows.rows[index]!.map((value, column) =>
    rows.bytes[column] && value instanceof Uint8Array
      ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
      : typeof value === 'boolean'
        ? Number(value)
        : value,
  );
  if (mode === 'pluck') return values[0];
  if (mode === 'raw') return values;
  const row: Record<string, unknown> = {};
  rows.columns.forEach((column, i) => (row[column] = values[i]));
  return row;
}

/**
 * A company server's database (db/sql-database.ts): PostgreSQL through pg-sync.ts, with
 * better-sqlite3's shape. A write outside a transaction is refused here as guardWrites
 * refuses it on a desk.
 */
export class PgDatabase implements SqlDatabase {
  readonly dialect = 'postgres';
  private readonly sync: PgSync;
  /** The schema this store searches (a site's, on a company server); none: the connection's own. */
  private readonly schema: string | undefined;
  /** Whether closing this store ends the connections (not when it borrows another store's). */
  private readonly ownsSync: boolean;
  /**
   * The advisory lock its writes take: WRITE_LOCK for the company's store, one of its own for
   * each site's (48 bits of its schema's hash), so that one site's check-ins never wait for
   * another's. Two sites sharing one by chance would only wait for each other.
   */
  private readonly lockKey: number;
  /**
   * The store whose transaction is open on the shared connections, if one is: the worker runs
   * every statement in it, so another store's statement then would run in the wrong schema.
   */
  private readonly open: { store: PgDatabase | undefined };
  /** Open transactions and savepoints: 0 outside one. */
  private depth = 0;
  /** How many times this instance's own commits moved data_version. */
  private ownWrites = 0;

  constructor(options: PgSyncOptions | { borrow: PgDatabase; schema: string }) {
    if ('borrow' in options) {
      this.sync = options.borrow.sync;
      this.open = options.borrow.open;
      this.schema = options.schema;
      this.ownsSync = false;
      this.lockKey = Number.parseInt(createHash('sha256').update(options.schema).digest('hex').slice(0, 12), 16);
    } else {
      this.sync = startPgSync(options);
      this.open = { store: undefined };
      this.ownsSync = true;
      this.lockKey = WRITE_LOCK;
    }
  }

  /**
   * The store in `schema` over this one's connections: a company server's sites share one
   * pool and thread (a pool each would take a connection per site from PostgreSQL's few).
   * The server's thread runs one statement at a time, so their transactions never overlap.
   */
  inSchema(schema: string): PgDatabase {
    return new PgDatabase({ borrow: this, schema });
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  private query(sql: string, params: unknown[] = [], prepared = false): PgRows {
    if (this.open.store !== undefined && this.open.store !== this) {
      throw new Error(`a statement of another store inside a transaction: ${sql.slice(0, 80)}`);
    }
    return this.sync.call({ op: 'query', sql, params, prepared, ...(this.schema ? { schema: this.schema } : {}) })!;
  }

  prepare<Params extends unknown[] | object = unknown[], Row = unknown>(
    sql: string,
  ): Params extends unknown[] ? SqlStatement<Params, Row> : SqlStatement<[Params], Row> {
    // Quoted text aside ('visitor.update' is a value, not a statement).
    const words = sql.replace(/'(?:[^']|'')*'/g, "''");
    const readonly = READS.test(words) && !/\b(INSERT|UPDATE|DELETE)\b/i.test(words);
    return this.statement(sql, toPgStatement(sql), readonly, 'object') as never;
  }

  private statement(
    source: string,
    text: PgStatementText,
    readonly: boolean,
    mode: 'object' | 'pluck' | 'raw',
  ): PgStatement {
    const execute = (args: unknown[]): PgRows => {
      if (!readonly && !this.inTransaction) throw new Error(`a write outside a transaction: ${source.slice(0, 80)}`);
      return this.query(text.text, pgValues(text, args), true);
    };
    return {
      source,
      readonly,
      get: (...args) => {
        const rows = execute(args);
        return rows.rows.length > 0 ? shape(rows, 0, mode) : undefined;
      },
      all: (...args) => {
        const rows = execute(args);
        return rows.rows.map((_, i) => shape(rows, i, mode));
      },
      run: (...args) => ({ changes: execute(args).rowCount }),
      pluck: () => this.statement(source, text, readonly, 'pluck'),
      raw: () => this.statement(source, text, readonly, 'raw'),
    };
  }

  /** Runs statements as they are (no values), one after another, in a transaction: the schema's migrations. */
  exec(sql: string): void {
    if (!this.inTransaction) throw new Error(`statements outside a transaction: ${sql.slice(0, 80)}`);
    this.query(sql);
  }

  /**
   * Runs `work` in a transaction that holds the write lock from its start; inside another,
   * it is a savepoint: if `work` throws, what it did is undone and the error goes on.
   */
  write<T>(work: () => T, options: LockOptions = {}): T {
    if (this.inTransaction) return this.savepoint(work);
    if (this.open.store !== undefined) throw new Error('a transaction of another store is open');
    this.sync.call({ op: 'begin', ...(this.schema ? { schema: this.schema } : {}) });
    this.open.store = this;
    this.depth = 1;
    try {
      if (options.durable === false) this.query('SET LOCAL synchronous_commit = off');
      if (options.exclusive === false) {
        // Its own rows' locks order it (LockOptions.exclusive).
      } else if (options.waitForLock === false) {
        const taken = this.query('SELECT pg_try_advisory_xact_lock($1)', [this.lockKey]).rows[0]![0];
        if (taken !== true) throw new WriteLockBusyError('Another instance is writing; nothing was done.');
      } else {
        this.query('SELECT pg_advisory_xact_lock($1)', [this.lockKey]);
      }
      const result = work();
      const moved = this.query('SELECT tx = pg_current_xact_id()::text FROM data_version').rows[0]?.[0] === true;
      this.depth = 0;
      this.open.store = undefined;
      try {
        this.sync.call({ op: 'commit' });
      } catch (error) {
        if (error instanceof DatabaseUnavailableError) throw new CommitUnknownError(error.message);
        throw error;
      }
      if (moved) this.ownWrites++;
      return result;
    } catch (error) {
      if (this.depth > 0) {
        this.depth = 0;
        this.rollback();
      }
      if (this.open.store === this) this.open.store = undefined;
      throw error;
    }
  }

  private savepoint<T>(work: () => T): T {
    const name = `s${this.depth}`;
    this.query(`SAVEPOINT ${name}`);
    this.depth++;
    try {
      const result = work();
      this.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      this.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    } finally {
      this.depth--;
    }
  }

  private rollback(): void {
    try {
      this.sync.call({ op: 'rollback' });
    } catch {
      // The connection went with the error; the transaction ended with it.
    }
  }

  scrubFreed(): boolean {
    // VACUUM runs outside a transaction and removes the dead versions of rows an erasure
    // or a purge rewrote or deleted; what the WAL and backups keep is docs/PRIVACY.md's.
    this.query(`VACUUM ${SCRUBBED_TABLES.join(', ')}`);
    // A snapshot another session still holds (a pg_dump running, a long read) keeps the old
    // versions it may see: false, and the caller tries again once it has let go.
    const held = this.query(
      `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
                        AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL)`,
    ).rows[0]![0];
    return held !== true;
  }

  externalChanges(): number {
    return (this.query('SELECT n FROM data_version').rows[0]![0] as number) - this.ownWrites;
  }

  /**
   * externalChanges() of many stores on these connections, in one round trip: a company server
   * looks for changes to every site's store once a second with one query, not one a site.
   */
  externalChangesOf(stores: PgDatabase[]): number[] {
    if (stores.length === 0) return [];
    const sql = stores
      .map(
        (store, i) => `SELECT ${i} AS i, n FROM ${store.schema ? `${quoteIdentifier(store.schema)}.` : ''}data_version`,
      )
      .join(' UNION ALL ');
    // Prepared: planned once per set of stores, not every second.
    const versions = new Map(this.query(sql, [], true).rows.map(([i, n]) => [i as number, n as number]));
    return stores.map((store, i) => (versions.get(i) ?? 0) - store.ownWrites);
  }

  close(): Promise<void> {
    return this.ownsSync ? this.sync.close() : Promise.resolve();
  }
}
