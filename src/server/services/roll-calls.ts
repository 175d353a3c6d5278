/** What grouping needs of a roll. */
export interface RollSpan {
  evacuation_id: number;
  started_at: number;
  closed_at: number | null;
}

/**
 * The roll calls a desk shows, from the rolls it holds: rolls whose open times overlap are
 * one roll call (API contract Part 3: two desks that could not reach each other each
 * started one for the same alarm), shown under its first roll's number. A function of the
 * rolls alone, so every desk that holds the same rolls shows the same roll calls. `rolls`
 * come ordered by start, then number.
 */
export function rollCalls<T extends RollSpan>(rolls: readonly T[]): T[][] {
  const calls: T[][] = [];
  let openUntil = -Infinity;
  for (const roll of rolls) {
    const current = calls.at(-1);
    if (current && roll.started_at < openUntil) current.push(roll);
    else {
      calls.push([roll]);
      openUntil = -Infinity;
    }
    openUntil = Math.max(openUntil, roll.closed_at ?? Infinity);
  }
  return calls;
}
