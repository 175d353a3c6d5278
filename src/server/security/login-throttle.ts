/**
 * Slows password guessing for one key (a username). The first few failures in a window are
 * free (people mistype); after that each attempt must wait twice as long as the last, up
 * to a cap. A success clears the key's record.
 */
export interface ThrottleOptions {
  freeFailures: number;
  windowMs: number;
  maxDelayMs: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  freeFailures: 5,
  // Longer than the longest wait, so reaching the cap does not wipe the record and start over.
  windowMs: 24 * 60 * 60 * 1000,
  maxDelayMs: 15 * 60 * 1000,
};

export interface ThrottleRecord {
  failures: number;
  lastFailureAt: number;
}

/**
 * Where the failures are counted: a desk's process memory, or a table that every instance
 * of a company server shares (db/repositories/sign-in-attempts.ts), so that guesses spread
 * over the instances are counted together (API contract Part 6).
 */
export interface ThrottleRecords {
  get(key: string): ThrottleRecord | undefined;
  set(key: string, record: ThrottleRecord): void;
  delete(key: string): void;
  /** Forgets records whose last failure is before `cutoff`, as often as the store needs. */
  prune(cutoff: number): void;
  /** Runs `work` with no other attempt's reads or writes between its own. */
  atomically<T>(work: () => T): T;
}

/** A desk's records: its own memory, bounded however many usernames an attacker sprays. */
export function recordsInMemory(): ThrottleRecords {
  const records = new Map<string, ThrottleRecord>();
  return {
    get: (key) => records.get(key),
    set: (key, record) => void records.set(key, record),
    delete: (key) => void records.delete(key),
    prune(cutoff) {
      if (records.size < 10_000) return;
      for (const [key, record] of records) if (record.lastFailureAt < cutoff) records.delete(key);
    },
    atomically: (work) => work(),
  };
}

export class LoginThrottle {
  constructor(
    private readonly records: ThrottleRecords,
    private readonly now: () => number,
    private readonly options: ThrottleOptions = DEFAULT_THROTTLE,
  ) {}

  /**
   * Milliseconds until the key may try again; when it may try now (0), a failure is counted
   * ahead of the check, so that a hundred guesses sent at once see each other. A success
   * clears it (recordSuccess); a check that could not run takes it back (forgiveOne).
   */
  attempt(key: string): number {
    return this.records.atomically(() => {
      const now = this.now();
      const record = this.current(key, now);
      const wait = this.waitFor(record, now);
      if (wait > 0) return wait;
      this.records.set(key, { failures: (record?.failures ?? 0) + 1, lastFailureAt: now });
      this.records.prune(now - this.options.windowMs);
      return 0;
    });
  }

  recordSuccess(key: string): void {
    this.records.atomically(() => this.records.delete(key));
  }

  /** Takes back one failure counted ahead of a check that then could not run. */
  forgiveOne(key: string): void {
    this.records.atomically(() => {
      const record = this.records.get(key);
      if (!record) return;
      if (record.failures <= 1) this.records.delete(key);
      else this.records.set(key, { ...record, failures: record.failures - 1 });
    });
  }

  private waitFor(record: ThrottleRecord | undefined, now: number): number {
    if (!record || record.failures < this.options.freeFailures) return 0;
    const delay = Math.min(1000 * 2 ** (record.failures - this.options.freeFailures), this.options.maxDelayMs);
    return Math.max(0, record.lastFailureAt + delay - now);
  }

  private current(key: string, now: number): ThrottleRecord | undefined {
    const record = this.records.get(key);
    if (record && now - record.lastFailureAt > this.options.windowMs) {
      this.records.delete(key);
      return undefined;
    }
    return record;
  }
}
