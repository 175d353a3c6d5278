import pg from 'pg';
import { parentPort, workerData } from 'node:worker_threads';
import type { PgAnswer, PgRequest, PgRows, PgWorkerData } from './pg-protocol';

/**
 * The thread that talks to PostgreSQL for pg-sync.ts: node-postgres and its pool run here,
 * on this thread's event loop, while the server's thread waits for each answer. Requests
 * are served one after another in the order they came: a request that the server gave up
 * on (its deadline passed) is still finished before the next begins, so a transaction's
 * statements can never interleave with another's on the same connection.
 *
 * It imports nothing of ours but types: under the tests Node runs this file from source,
 * stripping its types (an .mts, so that Node reads it as a module without guessing), and the
 * build gives it an entry of its own (electron.vite.config.ts).
 */

const BYTEA = 17;
const INT8 = 20;
const NUMERIC = 1700;

const data = workerData as PgWorkerData;

// Counts and sums come back as int8 or numeric, which node-postgres gives as strings to
// spare numbers past 2^53; nothing we store comes near that, and SQLite gives numbers.
const types = new pg.TypeOverrides();
types.setTypeParser(INT8, Number);
types.setTypeParser(NUMERIC, Number);

const pool = new pg.Pool({
  connectionString: data.connectionString,
  max: data.poolSize,
  connectionTimeoutMillis: data.timeoutMs,
  query_timeout: data.timeoutMs,
  statement_timeout: data.timeoutMs,
  // Waiting for another instance's write lock ends before the statement's own time does,
  // as a refusal (55P03) rather than a connection given up for lost.
  lock_timeout: Math.floor(data.timeoutMs / 2),
  // A session whose instance went away mid-transaction (a link cut without a word) lets go
  // of the write lock by itself instead of holding it until TCP notices, hours later.
  idle_in_transaction_session_timeout: 2 * data.timeoutMs,
  idleTimeoutMillis: 30_000,
  keepAlive: true,
  types,
});
// A connection that the server closed (a restart, a crash) says so with an error event: the
// pool drops an idle one, and a busy one fails its statement; either way the event must have
// a listener, or it would end this thread.
pool.on('error', () => undefined);
pool.on('connect', (client) => {
  client.on('error', () => undefined);
  // Queued before the statement the connection was made for; a failure fails that statement.
  if (data.sessionSetup) client.query(data.sessionSetup).catch(() => undefined);
});

/** The connection of the open transaction, if one is open. */
let transaction: pg.PoolClient | undefined;

const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * A failure of the connection rather than of the statement: a socket refused, reset or
 * timed out, node-postgres's own words for a connection lost or not made in time, or one of
 * PostgreSQL's classes for a connection lost or a server going away.
 */
function connectionLost(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (SOCKET_ERRORS.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return code.startsWith('08') || code.startsWith('57P') || code === '53300';
  }
  return typeof message === 'string' && /Connection terminated|timeout|not queryable/i.test(message);
}

function rowsOf(results: pg.QueryArrayResult | pg.QueryArrayResult[]): PgRows {
  // Several statements in one text (a migration) answer with a result each: the last counts.
  const result = Array.isArray(results) ? results[results.length - 1]! : results;
  return {
    columns: result.fields.map((field) => field.name),
    bytes: result.fields.map((field) => field.dataTypeID === BYTEA),
    rows: result.rows,
    rowCount: result.rowCount ?? 0,
  };
}

/** The name each prepared statement's text goes by in each schema, on every connection of the pool alike. */
const names = new Map<string, string>();

function nameOf(sql: string, schema: string | undefined): string {
  const key = `${schema ?? ''}\n${sql}`;
  let name = names.get(key);
  if (name === undefined) {
    name = `s${names.size + 1}`;
    names.set(key, name);
  }
  return name;
}

/**
 * The schema each connection searches now: absent, its own default. A site's store and the
 * company's share the pool; a connection is moved before each use. A statement is prepared
 * under a name of its schema's: PostgreSQL parses a prepared statement again when search_path
 * changed, but refuses it when the new tables' rows do not describe exactly as the old
 * ("cached plan must not change result type").
 */
const searching = new WeakMap<pg.PoolClient, string>();

async function searchIn(client: pg.PoolClient, schema: string | undefined): Promise<void> {
  if (searching.get(client) === schema) return;
  // Quoted as an identifier: the name is ours (site-schemas.ts), and never a value a client gave.
  await client.query(
    schema === undefined ? 'RESET search_path' : `SET search_path TO "${schema.replaceAll('"', '""')}"`,
  );
  if (schema === undefined) searching.delete(client);
  else searching.set(client, schema);
}

/** A connection of the pool, searching `schema`: released by the caller. */
async function connectIn(schema: string | undefined): Promise<pg.PoolClient> {
  const client = await pool.connect();
  try {
    await searchIn(client, schema);
    return client;
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
}

async function query(sql: string, params: unknown[], prepared: boolean, schema: string | undefined): Promise<PgRows> {
  const config: pg.QueryArrayConfig = {
    text: sql,
    values: params,
    rowMode: 'array',
    ...(prepared ? { name: nameOf(sql, schema) } : {}),
  };
  if (transaction) {
    try {
      return rowsOf(await transaction.query(config));
    } catch (error) {
      // The transaction went with its connection: nothing more may run on that one.
      if (connectionLost(error)) await finish('ROLLBACK');
      throw error;
    }
  }
  const once = async (): Promise<PgRows> => {
    const client = await connectIn(schema);
    try {
      const rows = rowsOf(await client.query(config));
      client.release();
      return rows;
    } catch (error) {
      client.release(connectionLost(error) ? (error as Error) : undefined);
      throw error;
    }
  };
  try {
    return await once();
  } catch (error) {
    // A statement outside a transaction only reads (db/postgres/pg-database.ts refuses a
    // write there), so a connection found dead is replaced and the read made again, once.
    if (!connectionLost(error)) throw error;
    return once();
  }
}

async function begin(schema: string | undefined): Promise<void> {
  // A transaction still open here was given up on by the server's thread (its answer came
  // too late): nobody will finish it, and it holds the write lock. It is rolled back.
  if (transaction) await finish('ROLLBACK');
  const attempt = async (): Promise<pg.PoolClient> => {
    const client = await connectIn(schema);
    try {
      await client.query('BEGIN');
      return client;
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
  };
  // Nothing of the transaction has happened yet: a dead connection is replaced once.
  try {
    transaction = await attempt();
  } catch (error) {
    if (!connectionLost(error)) throw error;
    transaction = await attempt();
  }
}

async function finish(statement: 'COMMIT' | 'ROLLBACK'): Promise<void> {
  const client = transaction;
  if (!client) throw new Error('no transaction is open');
  transaction = undefined;
  try {
    await client.query(statement);
    client.release();
  } catch (error) {
    // The connection's state is unknown: it is closed rather than reused.
    client.release(error as Error);
    if (statement === 'COMMIT') throw error;
  }
}

async function serve(request: PgRequest): Promise<PgRows | null> {
  switch (request.op) {
    case 'query':
      return query(request.sql, request.params, request.prepared ?? false, request.schema);
    case 'begin':
      await begin(request.schema);
      return null;
    case 'commit':
      await finish('COMMIT');
      return null;
    case 'rollback':
      // Already ended, when its connection was lost.
      if (transaction) await finish('ROLLBACK');
      return null;
    case 'end':
      if (transaction) await finish('ROLLBACK').catch(() => undefined);
      await pool.end();
      return null;
  }
}

function answer(message: PgAnswer): void {
  data.answers.postMessage(message);
  Atomics.add(data.signal, 0, 1);
  Atomics.notify(data.signal, 0);
}

let queue = Promise.resolve();
parentPort!.on('message', ({ id, request }: { id: number; request: PgRequest }) => {
  queue = queue.then(async () => {
    try {
      answer({ id, ok: true, result: await serve(request) });
    } catch (error) {
      const { message, code } = error as { message?: unknown; code?: unknown };
      answer({
        id,
        ok: false,
        error: {
          message: typeof message === 'string' ? message : String(error),
          code: typeof code === 'string' ? code : undefined,
          lost: connectionLost(error),
        },
      });
    }
  });
});
