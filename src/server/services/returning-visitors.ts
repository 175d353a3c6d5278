import { RETURNING_LIMIT, type ReturningVisitor } from '../../shared/returning';
import { DEFAULT_TYPE_ID } from '../../shared/visitor-types';
import type { AgreementsRepository } from '../db/repositories/agreements';
import type { Db } from '../db/connection';
import { formatLocalTime } from '../time-format';
import { searchIndex } from '../db/search-index';
import { searchWords } from './log-search';
import { personKey } from './person-keys';

interface Hit {
  seq: number;
  visitor_id: string;
  name: string;
  mobile: string;
  purpose: string;
  visitee_no: number | null;
  type_id: number | null;
  entry_at: number;
  erased_at: number | null;
  has_photo: 0 | 1;
}

/** How many of the latest visits that match are read, a page at a time, to find ten people. */
const PAGE = 100;
const PAGES = 5;

/**
 * Returning visitors (API contract Part 5): the people whose names or mobile numbers start
 * with what is typed, or whose invitation went to an address that does, latest visit first,
 * each person once (by name and mobile, services/person-keys.ts). Erased visitors are gone
 * from the search index's words and are never offered.
 */
export function returningVisitors(deps: { db: Db; agreements: AgreementsRepository }) {
  const { db, agreements } = deps;
  const index = searchIndex(db.dialect);
  // The range below compares code points, as SQLite always does and PostgreSQL does in "C"
  // (its index is on that: db/postgres/schema.ts).
  const binary = db.dialect === 'postgres' ? ' COLLATE "C"' : '';
  const columns = `v.seq, v.visitor_id, v.name, v.mobile, v.purpose, v.visitee_no, v.type_id, v.entry_at, v.erased_at,
                   EXISTS (SELECT 1 FROM photos p WHERE p.visitor_seq = v.seq) AS has_photo`;
  const byWords = db.prepare<{ match: string; seq: number; limit: number }, Hit>(
    `WITH hits AS (${index.hits((seq) => `${seq} < @seq`, 'DESC', 'person')})
     SELECT ${columns} FROM hits h JOIN visitors v ON v.seq = h.seq ORDER BY v.seq DESC`,
  );
  // SQLite's lower() folds ASCII only: the typed text is folded by the same function as the stored address.
  const byEmail = db.prepare<{ low: string; top: string; limit: number }, Hit>(
    `SELECT ${columns} FROM expected_visits x JOIN visitors v ON v.visitor_id = x.visitor_id
      WHERE lower(x.email)${binary} >= lower(@low) AND lower(x.email)${binary} < lower(@low) || @top
        AND x.email IS NOT NULL AND x.visitor_id IS NOT NULL
        AND v.erased_at IS NULL
      ORDER BY v.seq DESC LIMIT @limit`,
  );

  function* candidates(q: string): Generator<Hit> {
    if (q.includes('@')) {
      // Above every address that starts with it: the text and the last code point there is.
      yield* byEmail.all({ low: q, top: String.fromCodePoint(0x10ffff), limit: PAGE });
      return;
    }
    const words = searchWords(q);
    if (!words) return;
    const match = index.query(words, 'person');
    let seq = Number.MAX_SAFE_INTEGER;
    for (let page = 0; page < PAGES; page++) {
      const rows = byWords.all({ match, seq, limit: PAGE });
      yield* rows;
      if (rows.length < PAGE) return;
      seq = rows.at(-1)!.seq;
    }
  }

  return function find(q: string): ReturningVisitor[] {
    const people = new Map<string, Hit>();
    for (const hit of candidates(q)) {
      if (hit.erased_at !== null) continue;
      const key = personKey(hit.name, hit.mobile);
      if (!people.has(key)) people.set(key, hit);
      if (people.size >= RETURNING_LIMIT) break;
    }
    return [...people.values()].map((hit) => ({
      visitor_id: hit.visitor_id,
      name: hit.name,
      mobile: hit.mobile,
      purpose: hit.purpose,
      visitee_no: hit.visitee_no,
      type_id: hit.type_id ?? DEFAULT_TYPE_ID,
      last_visit_time: formatLocalTime(hit.entry_at),
      has_photo: hit.has_photo === 1,
      signed: agreements.versionsSigned(hit),
    }));
  };
}

export type ReturningVisitors = ReturnType<typeof returningVisitors>;
