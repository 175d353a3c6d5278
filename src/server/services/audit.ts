import { createHash } from 'node:crypto';
import type { AuditAction } from '../../shared/audit';
import { BUSY_TIMEOUT_MS, type Db } from '../db/connection';
import type { AuditFilter, AuditLogRepository, AuditRow } from '../db/repositories/audit-log';
import { logger } from '../log';

export interface AuditEvent {
  action: AuditAction;
  /** The staff account that acted; null for the desk itself (a scheduled purge) or an unknown account. */
  userId: number | null;
  /** The name to record when there is no account (a failed sign-in as someone unknown). */
  username?: string;
  /** A visitor by ID only: the trail never holds a visitor's personal data. */
  visitorId?: string;
  /** A short description: counts, a setting's name, a reason; never a visitor's name or mobile. */
  detail?: string;
}

/** The hash the first entry chains from. */
export const GENESIS = Buffer.alloc(32);

/** SHA-256 over the previous entry's hash and this entry's fields, in a fixed order. */
export function chainHash(previous: Buffer, row: Omit<AuditRow, 'hash' | 'audit_id'>): Buffer {
  return createHash('sha256')
    .update(previous)
    .update(JSON.stringify([row.time, row.user_id, row.username, row.action, row.visitor_id, row.detail]))
    .digest();
}

/** How long a batched entry (a full-photo view) may wait for its commit: the most a crash can lose. */
export const AUDIT_BATCH_MS = 200;
const BATCH_MAX = 500;

const log = logger('audit');

/**
 * The one door every audited action goes through (shared/API.md Part 2, Privacy). An
 * action that is a transaction records inside it, so the two commit together. A full-photo
 * view is recorded soon rather than at once: views come many a second, a commit each
 * would cost serving more than the 10% allowed, so they are committed together at most
 * AUDIT_BATCH_MS after being served (a crash loses at most that much of the trail).
 */
export function auditTrail(deps: {
  db: Db;
  log: AuditLogRepository;
  now: () => number;
  usernameOf: (userId: number) => string | undefined;
}) {
  const { db, now } = deps;
  let queue: Omit<AuditRow, 'hash' | 'audit_id'>[] = [];
  let timer: NodeJS.Timeout | undefined;

  function toRow(event: AuditEvent): Omit<AuditRow, 'hash' | 'audit_id'> {
    return {
      time: now(),
      user_id: event.userId,
      username: (event.userId === null ? undefined : deps.usernameOf(event.userId)) ?? event.username ?? 'desk',
      action: event.action,
      visitor_id: event.visitorId ?? null,
      detail: (event.detail ?? '').slice(0, 500),
    };
  }

  /**
   * Chains and inserts rows in order, each with the next ID after the highest ever given
   * (the table refuses any other); runs inside a write transaction.
   */
  function append(rows: Omit<AuditRow, 'hash' | 'audit_id'>[]): void {
    const last = deps.log.last();
    let previous = last?.hash ?? GENESIS;
    let id = Math.max(last?.audit_id ?? 0, deps.log.highestGiven());
    for (const row of rows) {
      const hash = chainHash(previous, row);
      deps.log.insert({ ...row, audit_id: ++id, hash });
      previous = hash;
    }
  }
  // IMMEDIATE: the newest hash is read under the write lock, so two processes never chain
  // onto the same entry.
  const appendAlone = db.transaction(append);

  /**
   * Writes what waits. From the timer it does not wait for another process's lock (the
   * desk would freeze for the whole busy timeout): it tries again a second later. When
   * the server stops it waits as any write does.
   */
  function flush(options: { wait?: boolean } = {}): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    if (!options.wait) db.pragma('busy_timeout = 0');
    try {
      appendAlone.immediate(batch);
    } catch (error) {
      // A locked or full database: kept for the next try, bounded so it cannot grow for ever.
      queue = [...batch, ...queue].slice(-10_000);
      log.error({ err: error }, 'could not write the audit trail; will retry');
      timer = setTimeout(flush, 1000);
      timer.unref();
    } finally {
      if (!options.wait) db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  // Failed sign-ins for names no account has cost an attacker nothing: they are counted
  // and written as one entry a minute, so a flood cannot grow the trail without bound.
  let unknownFailures = 0;
  let unknownTimer: NodeJS.Timeout | undefined;
  function countUnknownFailure(): void {
    unknownFailures++;
    if (unknownTimer) return;
    unknownTimer = setTimeout(() => {
      unknownTimer = undefined;
      const count = unknownFailures;
      unknownFailures = 0;
      queue.push(
        toRow({
          action: 'signin.failed',
          userId: null,
          username: '(no such account)',
          detail: `${count} failed ${count === 1 ? 'sign-in' : 'sign-ins'} for names no account has, in the last minute`,
        }),
      );
      flush();
    }, 60_000);
    unknownTimer.unref();
  }

  return {
    /** Records now: inside the caller's transaction if there is one, else in its own. */
    record(event: AuditEvent): void {
      const row = toRow(event);
      if (db.inTransaction) append([row]);
      else appendAlone.immediate([row]);
    },
    /** Records within AUDIT_BATCH_MS, with others: for full-photo views and failed sign-ins. */
    recordSoon(event: AuditEvent): void {
      queue.push(toRow(event));
      if (queue.length >= BATCH_MAX) flush();
      else if (!timer) {
        timer = setTimeout(flush, AUDIT_BATCH_MS);
        timer.unref();
      }
    },
    /** A failed sign-in for a name no account has: counted, written once a minute. */
    countUnknownFailure,
    /** Writes what waits, waiting for locks as any write does; the server calls it when it stops. */
    flushAll: (): void => {
      if (unknownTimer) {
        clearTimeout(unknownTimer);
        unknownTimer = undefined;
        if (unknownFailures > 0) {
          queue.push(
            toRow({
              action: 'signin.failed',
              userId: null,
              username: '(no such account)',
              detail: `${unknownFailures} failed sign-ins for names no account has`,
            }),
          );
        }
        unknownFailures = 0;
      }
      flush({ wait: true });
    },
    /** A page of the trail, newest first; entries still waiting for their batch are written first. */
    page(filter: AuditFilter): AuditRow[] {
      flush({ wait: true });
      return deps.log.page(filter);
    },
  };
}

export type AuditTrail = ReturnType<typeof auditTrail>;

export type ChainCheck =
  { ok: true; entries: number; head: string } | { ok: false; entries: number; auditId: number; problem: string };

/**
 * Walks the whole trail recomputing every hash: the first entry whose hash does not follow
 * from the one before was changed, or has a removed entry before it. Entries removed from
 * the end show as a highest ID given above the newest entry.
 */
export function verifyChain(log: AuditLogRepository): ChainCheck {
  let previous: Buffer = GENESIS;
  // From below any ID the table could hold: an entry slipped in at 0 or below is found too.
  let lastId = Number.MIN_SAFE_INTEGER;
  let entries = 0;
  for (;;) {
    const batch: AuditRow[] = log.after(lastId, 1000);
    if (batch.length === 0) break;
    for (const row of batch) {
      if (!chainHash(previous, row).equals(row.hash)) {
        return {
          ok: false,
          entries,
          auditId: row.audit_id,
          problem:
            entries === 0 && row.audit_id !== 1
              ? `the trail starts at entry ${row.audit_id}, not 1`
              : row.audit_id !== lastId + 1
                ? `entries ${lastId + 1}–${row.audit_id - 1} are missing before entry ${row.audit_id}`
                : `entry ${row.audit_id} was changed (or the one before it was)`,
        };
      }
      previous = row.hash;
      lastId = row.audit_id;
      entries++;
    }
  }
  const highest = log.highestGiven();
  if (entries === 0) lastId = 0;
  if (highest > lastId) {
    return {
      ok: false,
      entries,
      auditId: lastId + 1,
      problem: `entries ${lastId + 1}–${highest} were removed from the end`,
    };
  }
  return { ok: true, entries, head: previous.toString('hex') };
}
