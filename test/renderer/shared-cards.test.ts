import { describe, expect, it } from 'vitest';
import type { Visitor } from '../../src/shared/api-types';
import { sharedCards } from '../../src/renderer/src/features/log/shared-cards';

const visitor = (card_no: number, exit_time: string | null = null) => ({ card_no, exit_time }) as Visitor;

describe('cards in use twice', () => {
  it('are the cards two visitors on the premises hold, not a card given again after its holder left', () => {
    expect([
      ...sharedCards([visitor(3), visitor(3), visitor(4), visitor(5, '2026-12-06 09:00:00'), visitor(5)]),
    ]).toEqual([3]);
    expect(sharedCards([visitor(1), visitor(2)]).size).toBe(0);
  });
});
