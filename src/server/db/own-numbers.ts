/** How many numbers each desk has for the objects it makes (2^32; 2^20 desks fit below 2^53). */
export const NUMBERS_PER_DESK = 2 ** 32;

/**
 * SQL for the next number of `column` in this desk's own range (this_desk.id_base, see
 * db/migrations/009-site-desks.ts): hosts, accounts and expected visits made at two desks
 * of a site never get the same number, and Part 1's `visitee_no` stays an integer.
 */
export function nextOwnNumber(table: string, column: string): string {
  const base = '(SELECT id_base FROM this_desk)';
  return `(SELECT coalesce(max(${column}), ${base}) + 1 FROM ${table}
            WHERE ${column} > ${base} AND ${column} <= ${base} + ${NUMBERS_PER_DESK})`;
}
