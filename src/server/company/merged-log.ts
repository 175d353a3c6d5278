import type { Visitor } from '../../shared/api-types';
import { ApiError } from '../api-error';
import { ofSite, type Scoped } from '../http/site-scope';
import type { CompanySites } from './company-sites';
import type { LogQuery } from '../services/visitor-service';

/** Where a merged page goes on in one store: its own cursor, at its start (undefined), or read to its end (null). */
type Position = string | null | undefined;

const ENDED = '~';
/** The fewest rows a page asks one store for. */
const MIN_SHARE = 5;
/** A store in a merged cursor: `-` for the company server's own, else the start of its site's ID. */
const keyOf = (siteId: string | null): string => (siteId === null ? '-' : siteId.slice(0, 12));

/** `m` then, per store that moved, `key:cursor` or `key~`, joined by dots: every character safe in a URL. */
function encode(positions: Map<string, Position>): string {
  const parts: string[] = [];
  for (const [key, at] of positions) {
    if (at === null) parts.push(`${key}${ENDED}`);
    else if (at !== undefined) parts.push(`${key}:${at}`);
  }
  return `m${parts.join('.')}`;
}

function decode(cursor: string | undefined): Map<string, Position> {
  const positions = new Map<string, Position>();
  if (cursor === undefined) return positions;
  const refused = () => new ApiError('2400', 'The cursor is not one this server gave out.', { field: 'cursor' });
  if (!cursor.startsWith('m')) throw refused();
  for (const part of cursor.slice(1).split('.')) {
    const match = /^(-|[0-9a-f]{12})(?::([A-Za-z0-9_-]{1,40})|(~))$/.exec(part);
    if (!match) throw refused();
    positions.set(match[1]!, match[3] ? null : match[2]);
  }
  return positions;
}

/**
 * The log of every store a company server holds, as one (API contract Part 6: without
 * `site_id`, `/v1/log/` answers for all sites). Each store gives its next page; the pages are
 * merged by entry time and cut to the limit, and the cursor keeps where each store is
 * (its own cursor after the last of its visitors shown), so the next page goes on from
 * there in every store at once. Read forward only: no `prev_cursor`. A page asks every
 * store, so with many sites `site_id` is the fast way to one site's log.
 */
export function mergedLog(
  stores: Scoped[],
  sites: CompanySites,
  query: LogQuery,
): { visitors: Visitor[]; nextCursor: string | null; onSiteCount?: number } {
  const positions = decode(query.cursor);
  // A page asks each store for a share of the limit, and a store whose share runs out while it
  // is still the newest is asked for its next share: the stores' rows are read about once.
  const share = Math.min(query.limit, Math.max(MIN_SHARE, Math.ceil((2 * query.limit) / stores.length)));
  const queues: { key: string; store: Scoped; rows: Visitor[]; after: string[]; next: string | null }[] = [];
  const read = (queue: (typeof queues)[number], cursor: string | undefined): void => {
    const page = queue.store.ctx.visitors.log({ ...query, cursor, limit: share }, { rowCursors: true });
    queue.rows.push(...ofSite(page.visitors, queue.store.siteId, sites));
    queue.after.push(...page.after!);
    queue.next = page.nextCursor;
  };
  for (const store of stores) {
    const key = keyOf(store.siteId);
    const at = positions.get(key);
    if (at === null) continue;
    const queue = { key, store, rows: [], after: [], next: null };
    read(queue, at);
    queues.push(queue);
  }
  // Each store's rows in its own order, the newest of their heads taken each time: what is
  // taken of a store is always the start of what it gave, so its cursor after the last one
  // taken goes on exactly there.
  const shown: Visitor[] = [];
  const taken = new Map<string, number>();
  while (shown.length < query.limit) {
    let best: (typeof queues)[number] | undefined;
    for (const queue of queues) {
      if ((taken.get(queue.key) ?? 0) === queue.rows.length && queue.next !== null) read(queue, queue.next);
      const head = queue.rows[taken.get(queue.key) ?? 0];
      const bestHead = best?.rows[taken.get(best.key) ?? 0];
      if (head && (!bestHead || head.entry_time > bestHead.entry_time)) best = queue;
    }
    if (!best) break;
    const index = taken.get(best.key) ?? 0;
    shown.push(best.rows[index]!);
    taken.set(best.key, index + 1);
  }
  const next = new Map(positions);
  for (const queue of queues) {
    const count = taken.get(queue.key) ?? 0;
    // A store all of whose rows are shown, and that had nothing after them, is read to its end.
    if (queue.next === null && count === queue.rows.length) next.set(queue.key, null);
    else if (count > 0) next.set(queue.key, queue.after[count - 1]);
  }
  const more = queues.some((queue) => next.get(queue.key) !== null);
  return {
    visitors: shown,
    nextCursor: more ? encode(next) : null,
    ...(query.on_site
      ? { onSiteCount: stores.reduce((sum, store) => sum + store.ctx.repositories.visitors.onSiteCount(), 0) }
      : {}),
  };
}
