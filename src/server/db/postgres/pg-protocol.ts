import type { MessagePort } from 'node:worker_threads';

/** What pg-sync.ts and pg-worker.mts say to each other across threads. */

export interface PgWorkerData {
  connectionString: string;
  /** Connections the pool may hold: one serves a transaction while others stay ready. */
  poolSize: number;
  /** How long connecting, or one statement, may take before it is abandoned (milliseconds). */
  timeoutMs: number;
  /** Statements each new connection runs before any other (its session's own tables). */
  sessionSetup: string | undefined;
  /** [0]: incremented, then notified, after each answer is posted. */
  signal: Int32Array;
  answers: MessagePort;
}

/**
 * `schema`: the schema a site's store lives in on a company server (db/postgres/site-schemas.ts),
 * searched instead of the connection's own; none, the connection's own (the company's store).
 */
export type PgRequest =
  /** `prepared`: a statement the server runs again and again, parsed and planned once per connection. */
  | { op: 'query'; sql: string; params: unknown[]; prepared?: boolean; schema?: string }
  | { op: 'begin'; schema?: string }
  | { op: 'commit' }
  | { op: 'rollback' }
  | { op: 'end' };

export interface PgRows {
  columns: string[];
  /** Per column: whether it holds bytes (bytea), which cross threads as a plain Uint8Array. */
  bytes: boolean[];
  rows: unknown[][];
  rowCount: number;
}

export type PgAnswer =
  | { id: number; ok: true; result: PgRows | null }
  | { id: number; ok: false; error: { message: string; code: string | undefined; lost: boolean } };
