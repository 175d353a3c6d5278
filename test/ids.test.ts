import { describe, expect, it } from 'vitest';
import { isVisitorId, newVisitorId } from '../src/server/ids';

describe('visitor IDs', () => {
  it('are 22 URL-safe characters that never start with "-" or "_" (a spreadsheet would run them)', () => {
    const ids = Array.from({ length: 20_000 }, newVisitorId);
    expect(ids.every(isVisitorId)).toBe(true);
    expect(ids.filter((id) => /^[-_]/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
