import { dayRange } from '../../shared/dates';
import { ApiError } from '../api-error';
import { DEFAULT_TYPE_ID } from '../../shared/visitor-types';

/**
 * better-sqlite3 is synchronous and has no progress handler to stop a query midway, so
 * a search's cost is bounded by its shape instead: each prefix term is a scan of the
 * index's terms (a one-letter one, with no prefix index, the widest), and the server
 * waits while it runs. Six distinct words are more than anyone types into a desk's search.
 */
export const SEARCH_TERMS_MAX = 6;

/**
 * The words of what a receptionist types, for the search index (db/search-index.ts): every
 * word must match the start of a word in the name, purpose, mobile, card number or visitee
 * ("jo sm" finds John Smith). Only letters and digits make words, so an index's own syntax
 * typed by a user is never more than text. A word that starts another word of the query
 * adds nothing ("a al alice" is "alice") and is dropped.
 */
export function searchWords(text: string): string[] | null {
  const words = text
    .normalize('NFC')
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu);
  if (!words) return null;
  const distinct = [...new Set(words)];
  const needed = distinct.filter((word) => !distinct.some((other) => other !== word && other.startsWith(word)));
  if (needed.length > SEARCH_TERMS_MAX) {
    throw new ApiError('2400', `Search with at most ${SEARCH_TERMS_MAX} different words.`, { field: 'q' });
  }
  return needed;
}

/**
 * Cursors are opaque to clients; inside, a direction and a `seq`: `s` for the page of
 * entries older than it (next_cursor), `n` for the page of entries newer (prev_cursor).
 */
export interface Cursor {
  direction: 'older' | 'newer';
  seq: number;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.direction === 'older' ? 's' : 'n'}${cursor.seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): Cursor {
  const match = /^([sn])(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (!match) throw new ApiError('2400', 'The cursor is not one this server gave out.', { field: 'cursor' });
  return { direction: match[1] === 's' ? 'older' : 'newer', seq: Number(match[2]) };
}

export interface LogFilter {
  match: string | undefined;
  dated: boolean;
  type: 'default' | 'other' | undefined;
  params: { match?: string; start?: number; end?: number; low?: number; high?: number; type_id?: number };
}

/**
 * The search words and the day range of a log query, as the repository's page statements
 * take them: the words as its search index's query, and a day range also as the range of
 * seqs to walk (see seqBounds).
 */
export function logFilter(
  query: { q?: string | undefined; from?: string | undefined; to?: string | undefined; type_id?: number | undefined },
  visitors: {
    seqBounds: (start: number, end: number) => { low: number; high: number };
    searchQuery: (words: string[]) => string;
  },
): LogFilter {
  const words = query.q ? searchWords(query.q) : null;
  const match = words ? visitors.searchQuery(words) : undefined;
  const dated = query.from !== undefined || query.to !== undefined;
  const range = dated ? dayRange(query.from, query.to) : undefined;
  const type =
    query.type_id === undefined
      ? undefined
      : query.type_id === DEFAULT_TYPE_ID
        ? ('default' as const)
        : ('other' as const);
  return {
    match,
    dated,
    type,
    params: {
      ...(match ? { match } : {}),
      ...(type === 'other' ? { type_id: query.type_id } : {}),
      ...(range ? { ...range, ...visitors.seqBounds(range.start, range.end) } : {}),
    },
  };
}
