/**
 * Slows password guessing for one key (a username, a client address). The first few
 * failures in a window are free (people mistype); after that each attempt must wait
 * twice as long as the last, up to a cap. A success clears the username's record.
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

interface Record {
  failures: number;
  lastFailureAt: number;
}

export class LoginThrottle {
  private readonly records = new Map<string, Record>();

  constructor(
    private readonly now: () => number,
    private readonly options: ThrottleOptions = DEFAULT_THROTTLE,
  ) {}

  recordFailure(key: string): void {
    const now = this.now();
    const record = this.current(key, now);
    this.records.set(key, { failures: (record?.failures ?? 0) + 1, lastFailureAt: now });
    this.prune(now);
  }

  recordSuccess(key: string): void {
    this.records.delete(key);
  }

  /** Takes back one failure counted ahead of a check that then succeeded. */
  forgiveOne(key: string): void {
    const record = this.records.get(key);
    if (!record) return;
    if (record.failures <= 1) this.records.delete(key);
    else record.failures -= 1;
  }

  /** Milliseconds until the key may try again; 0 when it may try now. */
  retryAfterMs(key: string): number {
    const now = this.now();
    const record = this.current(key, now);
    if (!record || record.failures < this.options.freeFailures) return 0;
    const delay = Math.min(1000 * 2 ** (record.failures - this.options.freeFailures), this.options.maxDelayMs);
    return Math.max(0, record.lastFailureAt + delay - now);
  }

  private current(key: string, now: number): Record | undefined {
    const record = this.records.get(key);
    if (record && now - record.lastFailureAt > this.options.windowMs) {
      this.records.delete(key);
      return undefined;
    }
    return record;
  }

  /** Bounded memory however many usernames an attacker sprays. */
  private prune(now: number): void {
    if (this.records.size < 10_000) return;
    for (const [key, record] of this.records) {
      if (now - record.lastFailureAt > this.options.windowMs) this.records.delete(key);
    }
  }
}
