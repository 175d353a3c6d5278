import type { PgRows } from './pg-protocol';
import { startPgSync, type PgSync, type PgSyncOptions } from './pg-sync';
import { pgValues, toPgStatement, type PgStatementText } from './sql-params';

/**
 * A PostgreSQL database with the part of better-sqlite3's interface the repositories use:
 * prepared statements that return rows, `run` that says how many rows changed, and
 * transactions that nest as savepoints. Statements are written once, in the SQL both
 * engines share; what differs lives with the repository that needs it.
 */
export interface PgStatement<Row = unknown> {
  readonly source: string;
  /** Whether the statement only reads: a write outside a transaction is refused. */
  readonly readonly: boolean;
  get: (...args: unknown[]) => Row | undefined;
  all: (...args: unknown[]) => Row[];
  run: (...args: unknown[]) => { changes: number };
  /** Rows become their first column's value. */
  pluck: () => PgStatement;
  /** Rows become arrays of their values, in the order of the columns. */
  raw: () => PgStatement<unknown[]>;
}

export interface PgWriteOptions {
  /** false: give up at once when another instance holds the write lock, instead of waiting. */
  waitForLock?: boolean;
  /** false: commit without waiting for the WAL to reach the disk (synchronous_commit off). */
  durable?: boolean;
}

/** Another instance holds the write lock and the caller would not wait: nothing was done. */
export class WriteLockBusyError extends Error {
  readonly code = 'WRITE_LOCK_BUSY';
}

/**
 * Every write of one store takes this transaction-scoped advisory lock first, so that writes
 * are one at a time across every instance on the database, as SQLite's BEGIN IMMEDIATE makes
 * them on a desk: a unit of work reads what it decides on with nobody writing beside it, and
 * no write is refused for serialization (which a synchronous unit could not retry).
 */
const WRITE_LOCK = 0x46445731; // "FDW1"

const READS = /^\s*(SELECT|WITH|VALUES|SHOW|EXPLAIN)\b/i;

function shape(rows: PgRows, index: number, mode: 'object' | 'pluck' | 'raw'): unknown {
  const values = rows.rows[index]!.map((value, column) =>
    rows.bytes[column] && value instanceof Uint8Array
      ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
      : value,
  );
  if (mode === 'pluck') return values[0];
  if (mode === 'raw') return values;
  const row: Record<string, unknown> = {};
  rows.columns.forEach((column, i) => (row[column] = values[i]));
  return row;
}

export class PgDatabase {
  private readonly sync: PgSync;
  /** Open transactions and savepoints: 0 outside one. */
  private depth = 0;

  constructor(options: PgSyncOptions) {
    this.sync = startPgSync(options);
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  private query(sql: string, params: unknown[] = []): PgRows {
    return this.sync.call({ op: 'query', sql, params })!;
  }

  prepare<Row = unknown>(sql: string): PgStatement<Row> {
    return this.statement<Row>(sql, toPgStatement(sql), 'object');
  }

  private statement<Row>(source: string, text: PgStatementText, mode: 'object' | 'pluck' | 'raw'): PgStatement<Row> {
    const readonly = READS.test(source) && !/\b(INSERT|UPDATE|DELETE)\b/i.test(source);
    const execute = (args: unknown[]): PgRows => {
      if (!readonly && !this.inTransaction) throw new Error(`a write outside a transaction: ${source.slice(0, 80)}`);
      return this.query(text.text, pgValues(text, args));
    };
    return {
      source,
      readonly,
      get: (...args) => {
        const rows = execute(args);
        return rows.rows.length > 0 ? (shape(rows, 0, mode) as Row) : undefined;
      },
      all: (...args) => {
        const rows = execute(args);
        return rows.rows.map((_, i) => shape(rows, i, mode) as Row);
      },
      run: (...args) => ({ changes: execute(args).rowCount }),
      pluck: () => this.statement(source, text, 'pluck'),
      raw: () => this.statement<unknown[]>(source, text, 'raw'),
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
  write<T>(work: () => T, options: PgWriteOptions = {}): T {
    if (this.inTransaction) return this.savepoint(work);
    this.sync.call({ op: 'begin' });
    this.depth = 1;
    try {
      if (options.durable === false) this.query('SET LOCAL synchronous_commit = off');
      if (options.waitForLock === false) {
        const taken = this.query('SELECT pg_try_advisory_xact_lock($1)', [WRITE_LOCK]).rows[0]![0];
        if (taken !== true) throw new WriteLockBusyError('Another instance is writing; nothing was done.');
      } else {
        this.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
      }
      const result = work();
      this.depth = 0;
      this.sync.call({ op: 'commit' });
      return result;
    } catch (error) {
      if (this.depth > 0) {
        this.depth = 0;
        this.rollback();
      }
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

  close(): Promise<void> {
    return this.sync.close();
  }
}
