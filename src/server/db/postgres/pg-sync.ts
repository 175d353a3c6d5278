import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { COMMIT_UNKNOWN } from '../sql-database';
import type { PgAnswer, PgRequest, PgRows, PgWorkerData } from './pg-protocol';

/**
 * PostgreSQL answered synchronously, as SQLite does. The server's repositories and its unit
 * of work are synchronous over better-sqlite3 (a statement returns its rows); the same code
 * runs over PostgreSQL by handing each statement to node-postgres on a thread of its own
 * (pg-worker.mts) and waiting for the answer with Atomics.wait. The server's thread is held
 * for the round trip, as it is for SQLite's disk, and its writes are one at a time like a
 * desk's; a company server grows by running more instances on the database (README).
 */
export interface PgSyncOptions {
  connectionString: string;
  /** The worker's script: pg-worker.mts from source, or its built entry beside the server's. */
  workerFile: string;
  poolSize?: number;
  /** Connecting, or one statement, abandoned after this long. */
  timeoutMs?: number;
  /** Statements each new connection runs first: the session's own (TEMP) tables. */
  sessionSetup?: string;
}

/** The database did not answer (down, unreachable, too slow): nothing was done, or nothing is known to have been. */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
}

/**
 * The database was asked to commit and did not say whether it did (the connection went
 * between the two): the change may stand. Never reported as "nothing was saved".
 */
export class CommitUnknownError extends Error {
  readonly code = COMMIT_UNKNOWN;
}

/** PostgreSQL refused a statement: `code` is its SQLSTATE (23505: a unique key taken). */
export class PgStatementError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    /** The statement, for the server's log (never a client's answer: errors.ts). */
    readonly statement: string | undefined,
  ) {
    super(message);
  }
}

export interface PgSync {
  call: (request: PgRequest) => PgRows | null;
  close: () => Promise<void>;
}

/** The longest the thread sleeps before it looks for the answer again. */
const WAIT_SLICE_MS = 5;
/** After the database could not be reached, calls fail at once this long, then twice as long… */
const PAUSE_FIRST_MS = 1_000;
const PAUSE_MAX_MS = 30_000;

interface Thread {
  worker: Worker;
  signal: Int32Array;
  answers: MessagePort;
  /** Set when the thread failed to load or ended: the next call starts another. */
  failed: Error | undefined;
}

export function startPgSync(options: PgSyncOptions): PgSync {
  const timeoutMs = options.timeoutMs ?? 4_000;
  // A request may connect (a timeout), find the connection dead and connect again, and run
  // its statement (a timeout): past all three the thread itself is not answering.
  const deadlineMs = 3 * timeoutMs + 1_000;

  function startThread(): Thread {
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const { port1: answers, port2: workerAnswers } = new MessageChannel();
    const data: PgWorkerData = {
      connectionString: options.connectionString,
      poolSize: options.poolSize ?? 4,
      timeoutMs,
      sessionSetup: options.sessionSetup,
      signal,
      answers: workerAnswers,
    };
    const worker = new Worker(options.workerFile, { workerData: data, transferList: [workerAnswers] });
    const thread: Thread = { worker, signal, answers, failed: undefined };
    // Heard between calls (a call in progress meets its deadline instead); without these
    // listeners a thread that failed to load would end the process.
    worker.on('error', (error: Error) => {
      thread.failed = error;
    });
    worker.on('exit', (code: number) => {
      thread.failed ??= new Error(`the database thread ended (${code})`);
    });
    // The thread lives as long as the server wants it; it must not keep a finished CLI alive.
    worker.unref();
    return thread;
  }

  let thread = startThread();
  let nextId = 0;
  let closed = false;
  /** The database could not be reached: calls fail at once until then (a wait each would freeze the server). */
  let pausedUntil = 0;
  let pauseMs = PAUSE_FIRST_MS;

  function waitFor(id: number): PgAnswer {
    const { signal, answers } = thread;
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      // Read the count before looking: an answer posted after the look moves it, and the
      // wait then returns at once instead of sleeping past it.
      const seen = Atomics.load(signal, 0);
      const received = receiveMessageOnPort(answers);
      if (received) {
        const message = received.message as PgAnswer;
        // The answer to a request given up on earlier is dropped.
        if (message.id === id) return message;
        continue;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new DatabaseUnavailableError('The database did not answer in time.');
      // In slices: a message posted on another thread can become readable here a moment
      // after the count it moved, and a wait for the next count would sleep past it.
      Atomics.wait(signal, 0, seen, Math.min(remaining, WAIT_SLICE_MS));
    }
  }

  function unavailable(error: DatabaseUnavailableError): DatabaseUnavailableError {
    pausedUntil = Date.now() + pauseMs;
    pauseMs = Math.min(2 * pauseMs, PAUSE_MAX_MS);
    return error;
  }

  return {
    call(request) {
      // As better-sqlite3 refuses a closed database at once: work that outlived the server
      // (a notice's delivery in flight) must not wait for a thread that is gone.
      if (closed) throw new DatabaseUnavailableError('The database connection is closed.');
      // Ending a transaction or the pool is always tried: it lets go of what is held.
      if (request.op !== 'end' && request.op !== 'rollback' && Date.now() < pausedUntil) {
        throw new DatabaseUnavailableError('The database could not be reached a moment ago.');
      }
      if (thread.failed) {
        void thread.worker.terminate();
        thread = startThread();
      }
      const id = ++nextId;
      thread.worker.postMessage({ id, request });
      let answer: PgAnswer;
      try {
        answer = waitFor(id);
      } catch (error) {
        throw error instanceof DatabaseUnavailableError ? unavailable(error) : error;
      }
      if (answer.ok) {
        pauseMs = PAUSE_FIRST_MS;
        return answer.result;
      }
      const { message, code, lost } = answer.error;
      if (lost) throw unavailable(new DatabaseUnavailableError(`The database could not be reached: ${message}`));
      pauseMs = PAUSE_FIRST_MS;
      throw new PgStatementError(message, code, request.op === 'query' ? request.sql : undefined);
    },
    async close() {
      if (closed) return;
      try {
        this.call({ op: 'end' });
      } finally {
        closed = true;
        await thread.worker.terminate();
      }
    },
  };
}
