import type { CompanySites } from '../company/company-sites';
import type { AppContext } from '../context';
import type { DeskEvent } from '../../shared/events';
import { z } from 'zod';
import { ApiError } from '../api-error';

/** A store a request answers from, and the site it holds (null: the server's own). */
export interface Scoped {
  ctx: AppContext;
  siteId: string | null;
}

/**
 * The stores a request answers from (API contract Part 6): on a company server, the site
 * `site_id` names, or without it the company server's own store and every site's; on a desk,
 * its own, and `site_id` is refused there, for a desk holds one site.
 */
export function storesOf(ctx: AppContext, sites: CompanySites | undefined, siteId: string | undefined): Scoped[] {
  if (!sites) {
    if (siteId !== undefined) {
      throw new ApiError('2400', 'site_id is for a company server: a desk holds one site, its own.', {
        field: 'site_id',
      });
    }
    return [{ ctx, siteId: null }];
  }
  if (siteId !== undefined) return [{ ctx: sites.site(siteId), siteId }];
  return [{ ctx, siteId: null }, ...sites.all()];
}

/** `site_id` in a query: which site a company server answers for. */
export const siteQuerySchema = z.object({
  site_id: z
    .string()
    .max(64)
    .optional()
    .describe('Company server only: answer for this site (GET /v1/sites); without it, for every site. 2400 on a desk.'),
});

/** The first store that has it, asked in order: what `find` throws (3404) when none has. */
export function firstFound<T>(stores: Scoped[], find: (store: Scoped) => T): T {
  for (const [i, store] of stores.entries()) {
    try {
      return find(store);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === '3404') || i === stores.length - 1) throw error;
    }
  }
  throw new Error('no store to ask');
}

/**
 * What every store gives (`read`), each object saying its site; put in `order` when several
 * stores answered, each store's own order kept when one did.
 */
export function fromEachStore<T extends object>(
  stores: Scoped[],
  sites: CompanySites | undefined,
  read: (ctx: AppContext) => T[],
  order: (a: T, b: T) => number,
): T[] {
  const all = stores.flatMap((store) => ofSite(read(store.ctx), store.siteId, sites));
  return stores.length > 1 ? all.sort(order) : all;
}

/**
 * Objects of a store as a company server answers them: each says its site. A desk's are
 * left as they are.
 */
export function ofSite<T extends object>(items: T[], siteId: string | null, sites: CompanySites | undefined): T[] {
  if (!sites) return items;
  return items.map((item) => {
    // Its photo is asked for next: the company server notes which site's store has it.
    if (siteId !== null && 'visitor_id' in item && typeof item.visitor_id === 'string') {
      sites.located(item.visitor_id, siteId);
    }
    return { ...item, site_id: siteId };
  });
}

/**
 * An event as a company server sends it: a site's says its site, and its visitor does as the
 * log's do (null for the company server's own). A desk's is left as it is.
 */
export function eventOfSite(event: DeskEvent, siteId: string | null, sites: CompanySites | undefined): DeskEvent {
  if (!sites) return event;
  const marked = siteId === null ? event : { ...event, site_id: siteId };
  if (!('visitor' in marked)) return marked;
  const [visitor] = ofSite([marked.visitor], siteId, sites);
  return { ...marked, visitor: visitor! };
}
