import type { Db } from '../db/connection';
import type { LockOptions } from '../db/sql-database';
import { logger } from '../log';
import type { AuditEvent } from './audit';

/** What a write may do besides changing rows: both happen only if the change commits. */
export interface UnitOfWork {
  /** An entry for the audit trail, committed in the same transaction as the change. */
  audit: (event: AuditEvent) => void;
  /** Runs once the change has committed: the open screens told, a memory of old rows forgotten. */
  afterCommit: (effect: () => void) => void;
  /**
   * Runs part of the unit under a savepoint: if it throws, what it did is undone and the
   * rest of the unit goes on (a thing received from another desk that cannot be applied).
   */
  attempt: <T>(work: () => T) => { ok: true; value: T } | { ok: false; error: unknown };
}

/**
 * `waitForLock: false` gives up at once on another process's lock instead of waiting for it.
 * `durable: false` is only for a write whose loss in a power cut repeats work and loses
 * nothing: the outbox's lease of a notice (a lost lease sends the notice again under its
 * Message-ID). It then costs no flush of its own to share the disk with a check-in's.
 */
export interface WriteOptions extends LockOptions {
  /** The unit applies changes received from another desk (site/replication.ts): they are not numbered as this desk's. */
  received?: boolean;
}

export interface Writes {
  /**
   * Runs `work` as one unit: its changes and its audit entries commit together or not at
   * all, under the write lock (db/sql-database.ts: a read inside it sees what it decides
   * on). Called while a unit is open, it joins that unit. `waitForLock: false` gives up at
   * once on another process's lock instead of waiting for it: for background writes that
   * retry later rather than freeze the desk.
   */
  run: <T>(work: (unit: UnitOfWork) => T, options?: WriteOptions) => T;
}

const log = logger('writes');

/**
 * The one path every write takes (guardWrites in db/connection.ts refuses a write made
 * outside it). Services hold no database: they hold this, and repositories. A unit commits
 * its rows, their change-log records and its audit entries together, or none of them.
 */
export function unitOfWork(deps: {
  db: Db;
  /**
   * Numbers what a unit changed in the change log (db/repositories/change-log.ts), or, for
   * a unit that applied changes received from another desk, lets go of it unnumbered.
   */
  changes: { record: () => void; discard: () => void };
  appendAudit: (events: AuditEvent[]) => void;
}): Writes {
  const { db } = deps;
  interface Open {
    unit: UnitOfWork;
    audit: AuditEvent[];
    effects: (() => void)[];
    received: boolean;
  }
  let open: Open | undefined;

  const whole = <T>(work: (unit: UnitOfWork) => T): T => {
    const result = work(open!.unit);
    if (open!.received) deps.changes.discard();
    else deps.changes.record();
    // After the work, so that the entries' place in the chain is taken once, under the lock.
    if (open!.audit.length > 0) deps.appendAudit(open!.audit);
    return result;
  };

  return {
    run<T>(work: (unit: UnitOfWork) => T, options: WriteOptions = {}): T {
      if (open) {
        if (open.received !== (options.received ?? false))
          throw new Error('a unit cannot both make and receive changes');
        return work(open.unit);
      }
      const pending: Open = {
        audit: [],
        effects: [],
        received: options.received ?? false,
        unit: {
          audit: (event) => pending.audit.push(event),
          afterCommit: (effect) => pending.effects.push(effect),
          attempt: (part) => {
            try {
              // A write inside a write is a savepoint.
              return { ok: true, value: db.write(part) };
            } catch (error) {
              return { ok: false, error };
            }
          },
        },
      };
      open = pending;
      let result: T;
      try {
        result = db.write(() => whole(work), options);
      } finally {
        open = undefined;
      }
      for (const effect of pending.effects) {
        // The change stands: what follows it must not turn a committed write into an error.
        try {
          effect();
        } catch (error) {
          log.error({ err: error }, 'a committed change’s follow-up failed');
        }
      }
      return result;
    },
  };
}
