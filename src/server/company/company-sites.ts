import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { DeskEvent } from '../../shared/events';
import { listenAtOf, type CompanySite, type ListenAt } from '../../shared/site';
import { openContext, type AppContext, type ContextOptions } from '../context';
import type { PgDatabase } from '../db/postgres/pg-database';
import { siteIdsIn, siteIsMade } from '../db/postgres/site-schemas';
import { ApiError } from '../api-error';
import { logger } from '../log';
import { newDeskCredentials, type DeskCredentials } from '../site/desk-certificate';
import { namedFingerprint } from '../site/peer-client';
import { startPeerServer, type PeerSites } from '../site/peer-server';
import { SiteError } from '../site/site-service';

const log = logger('sites');

/** How each site a company server holds names the company server among its desks. */
const COMPANY_DESK_NAME = 'Company server';
/** How often a running company server looks for sites made since (by `site create` in another process). */
const NEW_SITES_CHECK_MS = 2_000;
/** A connection naming a key no site has looks for new sites at most this often. */
const NEW_SITES_LOOK_MS = 1_000;
/** How often a company server with a stream open looks for its sites' changes made elsewhere. */
const SITE_CHANGES_CHECK_MS = 1_000;
/** How many visitors' sites are remembered for their photos: a few screens of head office's lists. */
const LOCATED_MAX = 10_000;

/**
 * The sites a company server holds (API contract Part 6, Sites). Each site is a store of its
 * own, in a schema of the company's database (db/postgres/site-schemas.ts), with its photos
 * in a folder of its own under the shared folder; the company server is a desk of each, with a
 * key of its own in each (in the site's folder), and one peer listener serves them all: a
 * connection names the key it expects, and so its site, and is answered from that site's
 * store only, for that site's desks only. The company's accounts and store stay apart.
 */
export function companySites(company: AppContext, options: Pick<ContextOptions, 'now' | 'sweepInterrupted'> = {}) {
  const db = company.db as PgDatabase;
  const open = new Map<string, AppContext>();
  let refreshing: Promise<AppContext[]> = Promise.resolve([]);
  let refreshedAt = 0;
  const stops: (() => void)[] = [];
  let listener: { address: string; close: () => Promise<void> } | undefined;
  let whenOpened: ((site: AppContext) => Promise<void>) | undefined;
  /** Which site visitors shown lately are of: their photos are asked for next. */
  const visitorSites = new Map<string, string>();
  /** Each site's key as its listener presents it, made once. */
  const secureContexts = new Map<AppContext, SecureContext>();

  async function openSite(siteId: string): Promise<AppContext> {
    const site = await openContext({
      dataDir: path.join(company.dataDir, 'sites', siteId),
      companySite: { company: db, siteId },
      ...options,
    });
    open.set(siteId, site);
    await whenOpened?.(site);
    return site;
  }

  /**
   * Opens the sites made since it last looked (one look at a time); returns them. A schema
   * whose site is still being made (its first desk not written yet), or whose making was cut
   * short, is left alone.
   */
  function refresh(): Promise<AppContext[]> {
    // A look that failed (the database down a moment) is the caller's to hear of, not the next look's.
    refreshing = refreshing
      .catch(() => [])
      .then(async () => {
        refreshedAt = Date.now();
        const added: AppContext[] = [];
        for (const siteId of siteIdsIn(db)) {
          if (!open.has(siteId) && siteIsMade(db, siteId)) added.push(await openSite(siteId));
        }
        return added;
      });
    return refreshing;
  }

  /** Sites found to be sites: one stays one. */
  const made = new Set<string>();
  /** The sites that are sites yet: a schema whose first desk is being made is not one. */
  const members = (): [string, AppContext][] =>
    [...open].filter(([siteId, site]) => made.has(siteId) || (site.site.isMember() && made.add(siteId)));

  /**
   * The site whose key a connection names (peer-client.ts, peerServerName): asked on every
   * peer request, so from memory (a site's key is made with it and never changes).
   */
  const siteNamedBy = (serverName: string | false | null): AppContext | undefined => {
    const prefix = namedFingerprint(serverName);
    if (prefix === undefined) return undefined;
    for (const site of open.values()) if (site.site.credentials()?.fingerprint.startsWith(prefix)) return site;
    return undefined;
  };

  const peerSites: PeerSites = {
    // Where no site is named, a key of no site's: nobody is answered on such a connection.
    credentials: () => unnamed,
    async secureContext(serverName) {
      let site = siteNamedBy(serverName);
      // A site made a moment ago (by `site create` beside the server) is looked for, at most once a second.
      if (!site && namedFingerprint(serverName) !== undefined && Date.now() - refreshedAt >= NEW_SITES_LOOK_MS) {
        await refresh();
        site = siteNamedBy(serverName);
      }
      const credentials = site?.site.credentials();
      if (!site || !credentials) return undefined;
      let context = secureContexts.get(site);
      if (!context) {
        context = createSecureContext({ key: credentials.key, cert: credentials.certificate });
        secureContexts.set(site, context);
      }
      return context;
    },
    siteFor: siteNamedBy,
  };
  let unnamed: DeskCredentials | undefined;

  /**
   * Every site's changes, for GET /v1/events (API contract Part 3, Live updates): what this
   * instance takes in, from each site's own events; what another instance or a command beside
   * it wrote, as `log.changed`, found by one query a second over every site's data version
   * (the exchanges' own bookkeeping does not move it: db/postgres/data-version.ts). Both run
   * only while a stream listens.
   */
  const siteListeners = new Set<(event: DeskEvent, siteId: string) => void>();
  const hearing = new Map<AppContext, () => void>();
  const versions = new Map<AppContext, number>();
  let watching: NodeJS.Timeout | undefined;

  function tellListeners(event: DeskEvent, siteId: string): void {
    for (const listener of siteListeners) listener(event, siteId);
  }

  /** Hears the sites made since, and tells of each site another writer changed. */
  function watchSites(): void {
    try {
      const watched = members();
      const now = db.externalChangesOf(watched.map(([, site]) => site.db as PgDatabase));
      watched.forEach(([siteId, site], i) => {
        const before = versions.get(site);
        versions.set(site, now[i]!);
        if (!hearing.has(site)) {
          hearing.set(
            site,
            site.events.hear((event) => tellListeners(event, siteId)),
          );
          // A site taken on while streams listen may have changed before it was heard.
          if (watching) tellListeners({ type: 'log.changed' }, siteId);
        } else if (before !== now[i]) {
          tellListeners({ type: 'log.changed' }, siteId);
        }
      });
    } catch (error) {
      // The database down a moment: looked for again in a second.
      log.warn({ err: error }, "could not look for the sites' changes");
    }
  }

  function stopWatching(): void {
    clearInterval(watching);
    watching = undefined;
    for (const stop of hearing.values()) stop();
    hearing.clear();
    versions.clear();
  }

  /** Notes which site a visitor shown to head office is of (a bounded memory; a miss looks through every site). */
  function located(visitorId: string, siteId: string): void {
    visitorSites.delete(visitorId);
    visitorSites.set(visitorId, siteId);
    if (visitorSites.size > LOCATED_MAX) visitorSites.delete(visitorSites.keys().next().value!);
  }

  /** One site by its ID, opened alone if it is not open yet (a command run beside the server needs no other). */
  async function siteNamed(siteId: string): Promise<AppContext> {
    refreshing = refreshing
      .catch(() => [])
      .then(async () => {
        if (!open.has(siteId) && siteIdsIn(db).includes(siteId)) await openSite(siteId);
        return [];
      });
    await refreshing;
    const site = open.get(siteId);
    if (!site?.site.isMember()) throw new SiteError(`There is no site ${siteId} on this company server.`, 404);
    return site;
  }

  return {
    /** A site this company server holds, for a staff request naming it (3404 when it holds none by that ID). */
    site(siteId: string): AppContext {
      const site = open.get(siteId);
      if (!site?.site.isMember()) {
        throw new ApiError('3404', `There is no site ${siteId.slice(0, 40)} on this company server.`, {
          field: 'site_id',
        });
      }
      return site;
    },

    located,

    /** The site whose store holds a visitor: noted, else looked for in every site; undefined when none does. */
    holding(visitorId: string): { ctx: AppContext; siteId: string } | undefined {
      const noted = visitorSites.get(visitorId);
      const site = noted === undefined ? undefined : open.get(noted);
      if (noted !== undefined && site?.repositories.visitors.byId(visitorId)) return { ctx: site, siteId: noted };
      const found = members().find(([, ctx]) => ctx.repositories.visitors.byId(visitorId) !== undefined);
      if (!found) return undefined;
      located(visitorId, found[0]);
      return { ctx: found[1], siteId: found[0] };
    },

    /** Every site, as a store a request answers from. */
    all: (): { ctx: AppContext; siteId: string }[] => members().map(([siteId, ctx]) => ({ siteId, ctx })),

    /** Opens every site the database holds. */
    load: (): Promise<AppContext[]> => refresh(),

    /** Makes a new site (`site create --database`), the company server its first desk with a key of its own; its ID. */
    async create(name: string): Promise<string> {
      const siteId = randomBytes(16).toString('hex');
      const site = await openSite(siteId);
      await site.site.create(name, COMPANY_DESK_NAME, siteId);
      return siteId;
    },

    /** A one-time join code for a site (`site invite --site … --database`). */
    async invite(siteId: string): Promise<{ code: string; address: string | null }> {
      const site = await siteNamed(siteId);
      return { code: site.site.invite().code, address: site.site.lastAddress() };
    },

    /** Every site, its desks and when each was last heard from (GET /v1/sites). */
    list(): CompanySite[] {
      return members()
        .map(([siteId, site]) => {
          const status = site.site.status(undefined)!;
          return {
            site_id: siteId,
            name: status.name,
            on_premises: site.repositories.visitors.onSiteCount(),
            open_evacuation_id: site.evacuations.openId(),
            desks: status.desks,
          };
        })
        .sort((a, b) => a.name.localeCompare(b.name) || a.site_id.localeCompare(b.site_id));
    },

    /**
     * Listens for every site's desks, and has each site ask its desks for changes; sites made
     * later are taken on as they appear. Before the first site is made there is no key to
     * listen with: it listens once there is. Returns where it listens now.
     */
    async listen(defaults: Partial<ListenAt>): Promise<() => string | undefined> {
      const told = new Set<AppContext>();
      /** Each site, once a site, learns where the company server listens (a change its desks receive). */
      const tell = (): void => {
        for (const [, site] of members()) {
          if (listener && !told.has(site)) {
            site.site.listeningAt(listener.address);
            told.add(site);
          }
        }
      };
      const takeOn = async (site: AppContext): Promise<void> => {
        stops.push(site.replication.start(), await site.startChores());
      };
      const startListening = async (): Promise<void> => {
        if (listener || members().length === 0) return;
        unnamed ??= await newDeskCredentials('no site');
        const last = members()
          .map(([, site]) => site.site.lastAddress())
          .find((known) => known !== null);
        const at = last ? listenAtOf(last) : undefined;
        listener = await startPeerServer(peerSites, {
          host: defaults.host ?? at?.host ?? '127.0.0.1',
          port: defaults.port ?? at?.port ?? 0,
        });
      };
      whenOpened = takeOn;
      for (const site of open.values()) await takeOn(site);
      await startListening();
      tell();
      const timer = setInterval(() => {
        void refresh()
          .then(startListening)
          .then(tell)
          .catch((error: unknown) => log.error({ err: error }, 'could not take on the sites made since'));
      }, NEW_SITES_CHECK_MS);
      timer.unref();
      stops.push(() => clearInterval(timer));
      return () => listener?.address;
    },

    /** Listens to every site's changes until the returned function is called (GET /v1/events). */
    subscribe(listener: (event: DeskEvent, siteId: string) => void): () => void {
      siteListeners.add(listener);
      if (!watching) {
        watchSites();
        watching = setInterval(watchSites, SITE_CHANGES_CHECK_MS);
        watching.unref();
      }
      return () => {
        siteListeners.delete(listener);
        if (siteListeners.size === 0) stopWatching();
      };
    },

    async close(): Promise<void> {
      whenOpened = undefined;
      siteListeners.clear();
      stopWatching();
      await refreshing.catch(() => undefined);
      for (const stop of stops.splice(0)) stop();
      await listener?.close();
      listener = undefined;
      for (const site of open.values()) site.close();
      open.clear();
    },
  };
}

export type CompanySites = ReturnType<typeof companySites>;
