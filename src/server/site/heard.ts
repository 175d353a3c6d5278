import type { DeskRow } from '../db/repositories/site';

/**
 * How old a desk's "last heard" (its last answer to this desk's asking) may grow before an
 * answer that brought nothing else is written for it alone. Desks ask each other every
 * second, and a commit for each answer was most of what a quiet site cost (bench/sites.ts);
 * the screens show the minute, and a desk is "in sync" while heard from within 15 s.
 */
export const HEARD_REFRESH_MS = 5_000;

/**
 * Whether an exchange with this desk should write when it was heard from, even with nothing
 * else to write: also when the time written is ahead of this desk's clock (the clock was set
 * back), which would otherwise stand, a desk "in sync" that has gone.
 */
export const heardLongAgo = (desk: Pick<DeskRow, 'last_heard_at'>, now: number): boolean =>
  desk.last_heard_at === null || now < desk.last_heard_at || now - desk.last_heard_at >= HEARD_REFRESH_MS;
