import type { Visitor } from '../../../../shared/api-types';

/**
 * Cards held by more than one visitor on the premises: two desks that could not reach each
 * other may hand out the same card (API contract Part 3), and both check-ins stay, so the
 * desk shows the card as in use twice until one of them leaves.
 */
export function sharedCards(visitors: readonly Visitor[]): ReadonlySet<number> {
  const held = new Map<number, number>();
  for (const visitor of visitors) {
    if (visitor.exit_time === null) held.set(visitor.card_no, (held.get(visitor.card_no) ?? 0) + 1);
  }
  return new Set([...held].filter(([, count]) => count > 1).map(([card]) => card));
}
