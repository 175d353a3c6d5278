import { describe, expect, it } from 'vitest';
import type { Visitor } from '../../src/shared/api-types';
import { matchesOnSiteSearch } from '../../src/renderer/src/features/log/on-site-search';

const visitor = {
  visitor_id: 'AAAAAAAAAAAAAAAAAAAAAA',
  card_no: 12,
  name: 'Zoë Müller-Smith',
  mobile: '+447700900123',
  purpose: 'Board meeting',
  visitee_no: 1,
  visitee_name: 'Grace Hopper',
} as Visitor;

describe('the search of On site now', () => {
  it('matches word beginnings of name, host and purpose, accents and case aside, and the card', () => {
    for (const typed of ['zoe', 'MULL', 'smi', 'grace', 'hop', 'board mee', '12', 'zoe grace']) {
      expect(matchesOnSiteSearch(visitor, typed), typed).toBe(true);
    }
    for (const typed of ['oe', 'graceful', '13', 'zoe ada'])
      expect(matchesOnSiteSearch(visitor, typed), typed).toBe(false);
  });

  it('finds a mobile by any run of its digits, typed as people write numbers', () => {
    for (const typed of ['900123', '7700900123', '+44 7700 900123', '7700 900123']) {
      expect(matchesOnSiteSearch(visitor, typed), typed).toBe(true);
    }
    expect(matchesOnSiteSearch(visitor, '900124')).toBe(false);
  });
});
