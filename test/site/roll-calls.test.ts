import { describe, expect, it } from 'vitest';
import { rollCalls } from '../../src/server/services/roll-calls';

const roll = (evacuation_id: number, started_at: number, closed_at: number | null) => ({
  evacuation_id,
  started_at,
  closed_at,
});
const ids = (calls: { evacuation_id: number }[][]) => calls.map((call) => call.map((r) => r.evacuation_id));

describe('roll calls made of the rolls desks started apart', () => {
  it('joins rolls whose open times overlap, an open roll overlapping everything after it', () => {
    expect(ids(rollCalls([roll(1, 0, 10), roll(2, 5, 20), roll(3, 15, null), roll(4, 30, 40)]))).toEqual([
      [1, 2, 3, 4],
    ]);
  });

  it('keeps apart rolls that follow each other, even one started the moment the other closed', () => {
    expect(ids(rollCalls([roll(1, 0, 10), roll(2, 10, 20), roll(3, 25, null)]))).toEqual([[1], [2], [3]]);
  });

  it('joins a short roll inside a long one, and the rolls after it only if they start before the long one closed', () => {
    expect(ids(rollCalls([roll(1, 0, 100), roll(2, 10, 20), roll(3, 50, 150), roll(4, 160, 170)]))).toEqual([
      [1, 2, 3],
      [4],
    ]);
  });
});
