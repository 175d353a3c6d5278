import { createHash } from 'node:crypto';
import type { AuditAction } from '../../shared/audit';
import type { Writes } from './unit-of-work';
import { isSignedBy } from '../site/trail-exchange';
import type { AuditFilter, AuditLogRepository, AuditRow, SiteAuditRow } from '../db/repositories/audit-log';
import { logger } from '../log';

export interface AuditEvent {
  action: AuditAction;
  /**
   * The staff account that acted, or null for the system: the desk's own work (a purge,
   * the count of refused sign-ins for unknown names, the command line run on the kiosk).
   * System entries keep no username, so no account, whatever its name, can pass for one.
   */
  userId: number | null;
  /** A visitor by ID only: the trail never holds a visitor's personal data. */
  visitorId?: string;
  /** A short description: counts, a setting's name, a reason; never a visitor's name or mobile. */
  detail?: string;
}

/** What a system entry stores as its username: nothing (older trails have "desk" there). */
const SYSTEM_USERNAME = '';

/** The hash the first entry chains from. */
export const GENESIS = Buffer.alloc(32);

/** SHA-256 over the previous entry's hash and this entry's fields, in a fixed order. */
export function chainHash(previous: Buffer, row: Omit<AuditRow, 'hash' | 'audit_id'>): Buffer {
  return createHash('sha256')
    .update(previous)
    .update(JSON.stringify([row.time, row.user_id, row.username, row.action, row.visitor_id, row.detail]))
    .digest();
}

/**
 * The chain itself: entries are given their place, their time and their hash as the unit of
 * work that made them commits (services/unit-of-work.ts). Every entry's time is read when
 * its ID is taken, under the write lock, so the trail's order by ID is its order in time,
 * across processes too: "newest first" never disagrees with the clock.
 */
export function auditChain(deps: {
  log: AuditLogRepository;
  now: () => number;
  usernameOf: (userId: number) => string | undefined;
}) {
  return {
    /**
     * Chains and inserts entries in order, each with the next ID after the highest ever
     * given (the table refuses any other); runs inside the unit's transaction, which holds
     * the write lock, so two processes never chain onto the same entry.
     */
    append: (events: AuditEvent[]): void => {
      const last = deps.log.last();
      let previous = last?.hash ?? GENESIS;
      let id = Math.max(last?.audit_id ?? 0, deps.log.highestGiven());
      // The clock as it is: a clock set back shows as such, never hidden by rewriting times.
      const time = deps.now();
      // A batch of views is mostly one account's: its name is read once, not a query an entry.
      const names = new Map<number, string>();
      const usernameOf = (userId: number): string => {
        let name = names.get(userId);
        if (name === undefined) {
          name = deps.usernameOf(userId) ?? `account ${userId}`;
          names.set(userId, name);
        }
        return name;
      };
      for (const event of events) {
        const row = {
          time,
          user_id: event.userId,
          username: event.userId === null ? SYSTEM_USERNAME : usernameOf(event.userId),
          action: event.action,
          visitor_id: event.visitorId ?? null,
          detail: (event.detail ?? '').slice(0, 500),
        };
        const hash = chainHash(previous, row);
        deps.log.insert({ ...row, audit_id: ++id, hash });
        previous = hash;
      }
    },
  };
}

/** How long a batched entry (a full-photo view) may wait for its commit: the most a crash can lose. */
export const AUDIT_BATCH_MS = 200;
const BATCH_MAX = 500;
/** Refused sign-ins are counted per account over this long, then written as one entry. */
const REFUSALS_WINDOW_MS = 60_000;

type Refusal = 'wrong' | 'throttled';

const log = logger('audit');

/**
 * The entries that are not part of a change (API contract Part 2, Privacy); a change's
 * own entries commit with it through its unit of work. A full-photo view is recorded soon
 * rather than at once: views come many a second, a commit each would cost serving more
 * than the 10% allowed, so they are committed together at most AUDIT_BATCH_MS after being
 * served (a crash loses at most that much of the trail; the time is that of the commit).
 */
export function auditTrail(deps: { writes: Writes; log: AuditLogRepository; deskId: string }) {
  let queue: AuditEvent[] = [];
  let timer: NodeJS.Timeout | undefined;

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
    try {
      deps.writes.run((unit) => batch.forEach(unit.audit), { waitForLock: options.wait ?? false });
    } catch (error) {
      // A locked or full database: kept for the next try, bounded so it cannot grow for ever.
      queue = [...batch, ...queue].slice(-10_000);
      log.error({ err: error }, 'could not write the audit trail; will retry');
      timer = setTimeout(flush, 1000);
      timer.unref();
    }
  }

  function queueEvent(event: AuditEvent): void {
    queue.push(event);
    if (queue.length >= BATCH_MAX) flush();
    else if (!timer) {
      timer = setTimeout(flush, AUDIT_BATCH_MS);
      timer.unref();
    }
  }

  // Refused sign-ins cost an attacker nothing: per account (null: names no account has)
  // they are counted and written as one entry a minute, so a flood of guesses cannot grow
  // the append-only trail by more than an entry per account and minute.
  const refusals = new Map<number | null, Record<Refusal, number>>();
  let refusalsTimer: NodeJS.Timeout | undefined;

  function queueRefusals(): void {
    if (refusalsTimer) clearTimeout(refusalsTimer);
    refusalsTimer = undefined;
    for (const [userId, counts] of refusals) {
      const total = counts.wrong + counts.throttled;
      const what = `${total} refused ${total === 1 ? 'sign-in' : 'sign-ins'}`;
      const why = [
        counts.wrong > 0 ? `${counts.wrong} wrong password` : '',
        counts.throttled > 0 ? `${counts.throttled} too many attempts or busy` : '',
      ].filter(Boolean);
      queue.push({
        action: 'signin.failed',
        userId,
        detail: userId === null ? `${what} for names no account has` : `${what}: ${why.join(', ')}`,
      });
    }
    refusals.clear();
  }

  function countRefusedSignIn(userId: number | null, why: Refusal): void {
    const counts = refusals.get(userId) ?? { wrong: 0, throttled: 0 };
    counts[why]++;
    refusals.set(userId, counts);
    if (refusalsTimer) return;
    refusalsTimer = setTimeout(() => {
      queueRefusals();
      flush();
    }, REFUSALS_WINDOW_MS);
    refusalsTimer.unref();
  }

  return {
    /** Records within AUDIT_BATCH_MS, with others: for full-photo views. */
    recordSoon: queueEvent,
    /**
     * A refused sign-in (a wrong password, or refused by the throttle) for an account, or
     * for a name no account has (null): counted, written as one entry per account a minute.
     */
    countRefusedSignIn,
    /** Writes what waits, waiting for locks as any write does; the server calls it when it stops. */
    flushAll: (): void => {
      queueRefusals();
      flush({ wait: true });
    },
    /**
     * A page of the trail, newest first; entries still waiting for their batch, and the
     * refused sign-ins counted so far, are written first.
     */
    page(filter: AuditFilter): SiteAuditRow[] {
      queueRefusals();
      flush({ wait: true });
      return deps.log.page(deps.deskId, filter);
    },
  };
}

export type AuditTrail = ReturnType<typeof auditTrail>;

export interface ChainCheck {
  /** Whole: every trigger in place, IDs 1, 2, 3… without a gap, every hash following from the one before. */
  ok: boolean;
  /** Entries found whole before the first problem (all of them when ok). */
  entries: number;
  /** The newest entry's hash, to keep elsewhere and give to a later verify as `head`. */
  head: string;
  problems: string[];
  /** Where a head kept from an earlier verify stands now. */
  earlierHead?: { found: true; auditId: number; after: number } | { found: false };
}

/** The triggers that keep a trail table append-only must be there as created, and no other. */
function checkTriggers(
  present: { name: string; sql: string }[],
  expected: readonly { name: string; sql: string }[],
  problems: string[],
): void {
  const found = new Map(present.map((trigger) => [trigger.name, trigger.sql]));
  const normal = (sql: string) => sql.replace(/\s+/g, ' ').trim();
  for (const trigger of expected) {
    const sql = found.get(trigger.name);
    if (sql === undefined) problems.push(`the trigger ${trigger.name} that keeps the trail append-only is missing`);
    else if (normal(sql) !== normal(trigger.sql)) problems.push(`the trigger ${trigger.name} was changed`);
  }
  // Any other trigger on the trail could silently drop entries (RAISE(IGNORE)) as they are written.
  const known = new Set<string>(expected.map((trigger) => trigger.name));
  for (const name of found.keys()) {
    if (!known.has(name)) problems.push(`a trigger ${name} that Frontdesk never made is on the trail`);
  }
}

/**
 * Walks one desk's chain from its first entry: the IDs must run from 1 without a gap, and
 * every hash must follow from the one before (an entry changed, or removed and the rest
 * re-hashed, breaks one or the other).
 */
function walkChain(after: (auditId: number, limit: number) => AuditRow[], problems: string[], earlierHead?: string) {
  let previous: Buffer = GENESIS;
  let lastId = 0;
  let entries = 0;
  let broken = false;
  let headAt: number | undefined;
  let afterHead = 0;
  // From below any ID the table could hold: an entry slipped in at 0 or below is found too.
  let cursor = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const batch = after(cursor, 1000);
    if (batch.length === 0) break;
    for (const row of batch) {
      cursor = row.audit_id;
      if (headAt !== undefined) afterHead++;
      if (broken) continue;
      if (row.audit_id !== lastId + 1) {
        problems.push(
          row.audit_id <= lastId
            ? `entry ${row.audit_id} stands where no entry may`
            : `entries ${lastId + 1}–${row.audit_id - 1} are missing before entry ${row.audit_id}`,
        );
        broken = true;
        continue;
      }
      if (!chainHash(previous, row).equals(row.hash)) {
        problems.push(`entry ${row.audit_id} was changed (or the one before it was)`);
        broken = true;
        continue;
      }
      previous = row.hash;
      lastId = row.audit_id;
      entries++;
      if (earlierHead !== undefined && headAt === undefined && row.hash.toString('hex') === earlierHead) {
        headAt = row.audit_id;
      }
    }
  }
  return { previous, lastId, entries, broken, headAt, afterHead };
}

/**
 * Walks this desk's whole trail: the append-only triggers must be there as created, and
 * the chain whole (walkChain). Entries removed from the end show as a highest ID given
 * above the newest entry, unless whoever removed them also set that back: only a head kept
 * elsewhere finds that, so `earlierHead`, a hash printed by an earlier verify, is looked
 * for in the chain.
 */
export function verifyChain(log: AuditLogRepository, earlierHead?: string): ChainCheck {
  const problems: string[] = [];
  checkTriggers(log.triggers('audit_log'), log.expectedTriggers('audit_log'), problems);
  problems.push(...log.bypasses('audit_log'));
  const walked = walkChain(log.after, problems, earlierHead);
  const highest = log.highestGiven();
  if (!walked.broken && highest > walked.lastId) {
    problems.push(`entries ${walked.lastId + 1}–${highest} were removed from the end`);
  }
  const check: ChainCheck = {
    ok: problems.length === 0,
    entries: walked.entries,
    head: walked.previous.toString('hex'),
    problems,
  };
  if (earlierHead !== undefined) {
    check.earlierHead =
      walked.headAt === undefined ? { found: false } : { found: true, auditId: walked.headAt, after: walked.afterHead };
  }
  return check;
}

/**
 * Walks the copy of every other desk's chain this desk holds (API contract Part 3), each as
 * its desk made it: whole as walkChain has it, every head kept signed by that desk's
 * certificate and standing in the chain, and no entry beyond the last signed head. Checks
 * the triggers that keep the copies append-only too.
 */
export function verifyCopies(
  log: AuditLogRepository,
  certificateOf: (deskId: string) => string | undefined,
): { problems: string[]; chains: { deskId: string; check: ChainCheck }[] } {
  const problems: string[] = [];
  checkTriggers(log.triggers('audit_copies'), log.expectedTriggers('audit_copies'), problems);
  problems.push(...log.bypasses('audit_copies'));
  const chains = Object.keys(log.copied()).map((deskId) => {
    const found: string[] = [];
    const hashes = new Map<number, Buffer>();
    const walked = walkChain((auditId, limit) => {
      const rows = log.copiesAfter(deskId, auditId, limit);
      for (const row of rows) hashes.set(row.audit_id, row.hash);
      return rows;
    }, found);
    const certificate = certificateOf(deskId);
    let signedUpTo = 0;
    for (const checkpoint of log.checkpoints(deskId)) {
      if (!certificate || !isSignedBy(certificate, checkpoint)) {
        found.push(`the head at entry ${checkpoint.audit_id} is not signed by that desk`);
      } else if (!hashes.get(checkpoint.audit_id)?.equals(checkpoint.hash)) {
        found.push(`entry ${checkpoint.audit_id} is not the one that desk signed`);
      } else signedUpTo = checkpoint.audit_id;
    }
    if (walked.lastId > signedUpTo)
      found.push(`entries ${signedUpTo + 1}–${walked.lastId} are not under a signed head`);
    const check = {
      ok: found.length === 0,
      entries: walked.entries,
      head: walked.previous.toString('hex'),
      problems: found,
    };
    return { deskId, check };
  });
  return { problems, chains };
}
