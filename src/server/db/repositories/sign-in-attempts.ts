import type { ThrottleRecord, ThrottleRecords } from '../../security/login-throttle';
import type { Db } from '../connection';

/**
 * A company server's failed sign-ins, in the table every instance shares
 * (db/postgres/migrate.ts): one throttle however the guesses are spread over the instances.
 * Each attempt is one short transaction that locks its username's row (made first if there
 * is none), so attempts at one name from any instance are counted one after another; it
 * takes no write lock, so a flood of guesses never waits behind check-ins nor holds them up.
 * Not a change of the site and not durable: a crash of the database may forget the last
 * failures (the table is UNLOGGED), which costs an attacker's wait at most.
 */
export function signInAttemptsRepository(db: Db): ThrottleRecords {
  const ensure = db.prepare<[string]>(
    'INSERT INTO sign_in_attempts (key, failures, last_failure_at) VALUES (?, 0, 0) ON CONFLICT (key) DO NOTHING',
  );
  const locked = db.prepare<[string], ThrottleRecord>(
    'SELECT failures, last_failure_at AS "lastFailureAt" FROM sign_in_attempts WHERE key = ? FOR UPDATE',
  );
  // Made again if `delete` took it earlier in the same attempt (a window that had run out).
  const set = db.prepare<[string, number, number]>(
    `INSERT INTO sign_in_attempts (key, failures, last_failure_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at`,
  );
  const remove = db.prepare<[string]>('DELETE FROM sign_in_attempts WHERE key = ?');
  // Rows another attempt holds now are left for the next time: pruning never waits.
  const removeBefore = db.prepare<[number]>(
    `DELETE FROM sign_in_attempts WHERE key IN
       (SELECT key FROM sign_in_attempts WHERE last_failure_at < ? FOR UPDATE SKIP LOCKED)`,
  );
  const PRUNE_EVERY_MS = 60 * 60 * 1000;
  let prunedAt = 0;
  return {
    get(key) {
      ensure.run(key);
      const record = locked.get(key)!;
      return record.failures === 0 ? undefined : record;
    },
    set: (key, record) => void set.run(key, record.failures, record.lastFailureAt),
    delete: (key) => void remove.run(key),
    prune(cutoff) {
      // The cutoff moves with the clock: an hour of it between two deletes.
      if (cutoff - prunedAt < PRUNE_EVERY_MS) return;
      prunedAt = cutoff;
      removeBefore.run(cutoff);
    },
    atomically: (work) => db.write(work, { durable: false, exclusive: false }),
  };
}
