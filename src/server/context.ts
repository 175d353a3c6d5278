import os from 'node:os';
import path from 'node:path';
import { dataVersionReader, guardWrites, openDatabase, type Db } from './db/connection';
import { openPostgres } from './db/postgres/open-postgres';
import type { PgDatabase } from './db/postgres/pg-database';
import { openSiteStore } from './db/postgres/site-schemas';
import { auditLogRepository } from './db/repositories/audit-log';
import { replicaRepository } from './db/repositories/replica';
import { siteRepository } from './db/repositories/site';
import { convergence } from './site/convergence';
import { trailExchange } from './site/trail-exchange';
import { replication, type Replication } from './site/replication';
import { siteService, type SiteService } from './site/site-service';
import { announceVisitor } from './services/visitor-view';
import { changeLogRepository } from './db/repositories/change-log';
import { erasuresRepository } from './db/repositories/erasures';
import { evacuationsRepository } from './db/repositories/evacuations';
import { expectedVisitsRepository } from './db/repositories/expected-visits';
import { photoIntentsRepository } from './db/repositories/photo-intents';
import { settingsRepository } from './db/repositories/settings';
import { tokensRepository } from './db/repositories/tokens';
import { usersRepository } from './db/repositories/users';
import { visiteesRepository } from './db/repositories/visitees';
import { visitorsRepository } from './db/repositories/visitors';
import { createOwnerOnlyDir } from './file-modes';
import { noticesRepository } from './db/repositories/notices';
import { notifyChannels } from './notify/channels';
import { outbox, type Outbox, type OutboxOptions } from './notify/outbox';
import { secretBox, type KeyWrap } from './security/secret-box';
import { processThumbUrlSecret } from './security/thumb-urls';
import { recordsInMemory } from './security/login-throttle';
import { signInAttemptsRepository } from './db/repositories/sign-in-attempts';
import { logger } from './log';
import { PhotoStore } from './photos/photo-store';
import { auditChain, auditTrail, type AuditTrail } from './services/audit';
import { authService, type AuthService } from './services/auth-service';
import { AUTO_SIGNOUT_CHECK_MS } from './services/auto-signout';
import { expectedService, type ExpectedService } from './services/expected-service';
import { hostService, type HostService } from './services/host-service';
import { settingsService, type SettingsService } from './services/settings-service';
import { deskEvents, type DeskEvents } from './services/desk-events';
import { photoService, type PhotoService } from './services/photo-service';
import { erasureService, type ErasureService } from './services/erasure';
import { evacuationService, type EvacuationService } from './services/evacuation-service';
import { visitorCorrections, type VisitorCorrections } from './services/visitor-corrections';
import { unitOfWork, type Writes } from './services/unit-of-work';
import { visitorService, type VisitorService } from './services/visitor-service';
import { agreementsRepository } from './db/repositories/agreements';
import { visitorTypesRepository } from './db/repositories/visitor-types';
import { watchlistRepository } from './db/repositories/watchlist';
import { agreementService, type AgreementService } from './services/agreement-service';
import { returningVisitors, type ReturningVisitors } from './services/returning-visitors';
import { signing } from './services/signing';
import { visitorTypeService, type VisitorTypeService } from './services/visitor-type-service';
import { watchlistService, type WatchlistService } from './services/watchlist-service';

const log = logger('context');
/** Retention runs at start-up and then daily ("every night" on a desk that stays on). */
const RETENTION_INTERVAL_MS = 24 * 60 * 60 * 1000;
/**
 * On a folder shared by a company server's instances, what an interrupted check-in left is
 * cleared once it is this old (far beyond any check-in's time), at each start and hourly.
 */
export const SHARED_SWEEP_GRACE_MS = 15 * 60 * 1000;
const SHARED_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

export interface ContextOptions {
  /**
   * A desk's data folder: its database, photos and keys. With `database`, the folder every
   * instance of a company server reaches (API contract Part 6, `--photos`): photos and keys.
   */
  dataDir: string;
  /** A company server's PostgreSQL (a postgres:// URL) in place of the folder's database. */
  database?: string;
  /** One site a company server holds (company/company-sites.ts): its schema over the company store's connections. */
  companySite?: { company: PgDatabase; siteId: string };
  /** Milliseconds since the epoch; tests move it to expire tokens. */
  now?: () => number;
  /** How often the automatic sign-out looks for visitors due (default AUTO_SIGNOUT_CHECK_MS). */
  choresIntervalMs?: number;
  /**
   * Whether this process clears what interrupted check-ins and photo fetches left (default
   * true): the desk's own server does, at its start. A one-off command run beside a running
   * desk (`site invite`, `user add`) must not: the photos the desk is writing at that moment
   * look exactly like leftovers.
   */
  sweepInterrupted?: boolean;
  /** Tests shorten the outbox's waits (notify/outbox.ts). */
  notify?: OutboxOptions;
  /** How the secrets key is bound to the computer's keyring (the desktop app's); none: a key file. */
  keyWrap?: KeyWrap;
}

/** Everything the API needs over one data directory: the database, the photo store, the services. */
export interface AppContext {
  dataDir: string;
  db: Db;
  store: PhotoStore;
  /** The one path every write takes (services/unit-of-work.ts). */
  writes: Writes;
  auth: AuthService;
  visitors: VisitorService;
  corrections: VisitorCorrections;
  photos: PhotoService;
  hosts: HostService;
  evacuations: EvacuationService;
  expected: ExpectedService;
  settings: SettingsService;
  audit: AuditTrail;
  /** What changed, for GET /v1/events. */
  events: DeskEvents;
  /** The site this desk belongs to (API contract Part 3): pairing, desks. */
  site: SiteService;
  /** Changes exchanged with the other desks of the site. */
  replication: Replication;
  /** Arrival notices and invitations: the outbox and its senders (API contract Part 4). */
  notify: Outbox;
  /** Check-in as a site runs it (API contract Part 5). */
  types: VisitorTypeService;
  agreements: AgreementService;
  watchlist: WatchlistService;
  returning: ReturningVisitors;
  repositories: {
    users: ReturnType<typeof usersRepository>;
    visitees: ReturnType<typeof visiteesRepository>;
    visitors: ReturnType<typeof visitorsRepository>;
    intents: ReturnType<typeof photoIntentsRepository>;
    expectedVisits: ReturnType<typeof expectedVisitsRepository>;
  };
  /**
   * The running desk's own work: the automatic sign-out now (catching up on time the desk
   * was off) and then every AUTO_SIGNOUT_CHECK_MS. The server starts it; one-off CLI
   * commands do not. Returns the function that stops it.
   */
  startChores(): Promise<() => void>;
  erasure: ErasureService;
  /** Applies the retention settings now (photos and visits past their time); what it removed. */
  applyRetention(): Promise<{ photos: number; visits: number }>;
  close(): void;
}

export const DATABASE_FILE = 'frontdesk.db';

export async function openContext(options: ContextOptions): Promise<AppContext> {
  const now = options.now ?? Date.now;
  createOwnerOnlyDir(options.dataDir);
  let db: Db;
  if (options.companySite) {
    db = openSiteStore(options.companySite.company, options.companySite.siteId);
  } else if (options.database) {
    db = openPostgres(options.database);
  } else {
    const sqlite = openDatabase(path.join(options.dataDir, DATABASE_FILE));
    // From here on, before any repository prepares a statement, a write outside a unit of
    // work is refused (the migrations ran before, in their own transactions); PostgreSQL's
    // refuses it itself.
    guardWrites(sqlite);
    db = sqlite;
  }
  // A company server's instances share the database and the photos folder (API contract Part 6).
  const shared = db.dialect === 'postgres';
  try {
    const store = new PhotoStore(options.dataDir);
    await store.init();
    const users = usersRepository(db);
    const tokens = tokensRepository(db);
    const visitees = visiteesRepository(db);
    const visitors = visitorsRepository(db);
    const intents = photoIntentsRepository(db);
    const expectedVisits = expectedVisitsRepository(db);
    const evacuations = evacuationsRepository(db);
    const auditLog = auditLogRepository(db);
    const chain = auditChain({ log: auditLog, now, usernameOf: (userId) => users.byId(userId)?.username });
    const changeLog = changeLogRepository(db);
    const writes = unitOfWork({
      db,
      changes: { record: () => changeLog.record(now()), discard: changeLog.discardTouched },
      appendAudit: chain.append,
    });
    // A desk's server is the only one writing check-ins to its folder when it starts; an
    // instance of a company server shares its folder with instances already running.
    const sweepGraceMs = shared ? SHARED_SWEEP_GRACE_MS : 0;
    const sweep = () => recoverInterruptedCheckIns(store, intents, writes, { now, graceMs: sweepGraceMs });
    if (options.sweepInterrupted ?? true) await sweep();
    const dataVersion = dataVersionReader(db);
    const events = deskEvents({ externalChangeCounter: dataVersion });
    const audit = auditTrail({ writes, log: auditLog, deskId: changeLog.deskId() });
    const photos = photoService({ visitors, store, audit, dataVersion });
    const erasures = erasuresRepository(db, { photoDropped: (visitorId) => photos.forget(visitorId) });
    const erasure = erasureService({ writes, dataDir: options.dataDir, visitors, erasures, store, events, now });
    // Files an erasure or purge had queued, and a scrub it owed, when a crash came: done
    // before the first request.
    await erasure.finishPending();
    const box = secretBox(options.dataDir, options.keyWrap);
    const channels = notifyChannels({ stored: settingsRepository(db, 'notify_channels'), box });
    const siteRows = siteRepository(db);
    const notify = outbox({
      writes,
      notices: noticesRepository(db),
      channels,
      visitors,
      visitees,
      expectedVisits,
      store,
      events,
      now,
      where: () => {
        const site = siteRows.site();
        const desk = site ? siteRows.desk(changeLog.deskId())?.name : undefined;
        return { desk: desk ?? os.hostname(), site: site?.name ?? null };
      },
      ...(options.notify ? { options: options.notify } : {}),
    });
    const settings = settingsService({
      writes,
      settings: settingsRepository(db),
      channels,
      channelsChanged: notify.resume,
    });
    const agreementRows = agreementsRepository(db);
    const typeRows = visitorTypesRepository(db);
    const watchRows = watchlistRepository(db);
    const types = visitorTypeService({ types: typeRows, agreements: agreementRows, writes });
    const agreements = agreementService({ agreements: agreementRows, writes, now });
    const watchlist = watchlistService({ watchlist: watchRows, writes, now, scrubWal: erasure.scrubWal });
    const visitorsService = visitorService({
      visitors,
      visitees,
      intents,
      expectedVisits,
      store,
      writes,
      now,
      events,
      notify,
      types,
      signing: signing({ agreements: agreementRows, service: agreements, visitors }),
      watchlist,
    });
    // Failed sign-ins and wrong join codes, kept where every instance of a company server sees them.
    const throttleRecords = shared ? signInAttemptsRepository(db) : recordsInMemory();
    const auth = authService({
      users,
      tokens,
      writes,
      audit,
      now,
      dataVersion,
      // Every instance of a company server accepts the others' thumbnail URLs (Part 6).
      thumbUrlSecret: shared ? box.derive('frontdesk thumbnail URLs') : processThumbUrlSecret(),
      throttleRecords,
    });
    const replica = replicaRepository(db);
    const replicating: Replication = replication({
      writes,
      changeLog,
      convergence: convergence({
        replica,
        changeLog,
        visitors,
        erasures,
        intents,
        types: typeRows,
        agreements: agreementRows,
        watchlist: watchRows,
        now,
      }),
      trail: trailExchange({
        log: auditLog,
        deskId: changeLog.deskId(),
        desk: (deskId) => siteRows.desk(deskId),
        credentials: () => site.credentials(),
      }),
      site: siteRows,
      visitors,
      intents,
      store,
      credentials: () => site.credentials(),
      now,
      afterApply: (applied) => {
        const erased: string[] = [];
        // A batch may mark many people on one roll: its screens hear of it once.
        const rolls = new Set<number>();
        let filesQueued = false;
        for (const effect of applied) {
          if (effect.kind === 'visitor') {
            announceVisitor({ visitors, events }, effect.event, effect.visitorId);
            if (effect.event === 'visitor.erased') erased.push(effect.visitorId);
            filesQueued ||= effect.filesQueued;
          } else if (effect.kind === 'expected') {
            events.publish({ type: 'expected.changed', expected_id: effect.expectedId });
          } else if (effect.kind === 'roll') {
            rolls.add(effect.evacuationId);
          } else if (effect.kind === 'watch-removed') {
            erasure.scrubWal();
          } else if (effect.kind === 'account' && effect.sessionsEnded) {
            auth.sessionsEnded();
          }
        }
        for (const roll of rolls) events.publish({ type: 'evacuation.changed', evacuation_id: roll });
        if (erased.length > 0 || filesQueued) void erasure.erasedElsewhere(erased);
      },
    });
    const site = siteService({
      dataDir: options.dataDir,
      companyStore: options.database !== undefined,
      writes,
      site: siteRows,
      replica,
      changeLog,
      replication: () => replicating,
      throttleRecords,
      now,
    });
    const applyRetention = () => {
      const current = settings.readSite();
      return erasure.applyRetention(current.photo_retention_days, current.visit_retention_days);
    };
    const retentionDue = async (): Promise<void> => {
      try {
        await applyRetention();
      } catch (error) {
        log.error({ err: error }, 'retention failed; it runs again tomorrow or at the next start');
      }
    };
    const sweepDue = async (): Promise<void> => {
      try {
        await sweep();
      } catch (error) {
        log.error({ err: error }, 'clearing interrupted check-ins failed; it runs again in an hour');
      }
    };
    const signOutDue = (): void => {
      try {
        const signedOut = visitorsService.signOutAutomatically(settings.readSite().auto_signout_time);
        if (signedOut > 0) log.info(`signed out ${signedOut} visitors automatically`);
      } catch (error) {
        // A locked or full database now is retried at the next check.
        log.error({ err: error }, 'automatic sign-out failed');
      }
    };
    return {
      dataDir: options.dataDir,
      db,
      store,
      writes,
      auth,
      site,
      replication: replicating,
      notify,
      visitors: visitorsService,
      corrections: visitorCorrections({ writes, visitors, visitees, evacuations, events, now }),
      events,
      photos,
      hosts: hostService({ visitees, writes }),
      evacuations: evacuationService({ writes, evacuations, events, othersHeard: () => site.othersHeard(), now }),
      expected: expectedService({ expectedVisits, visitees, writes, now, events, notify }),
      settings,
      audit,
      types,
      agreements,
      watchlist,
      returning: returningVisitors({ db, agreements: agreementRows }),
      repositories: { users, visitees, visitors, intents, expectedVisits },
      startChores: async () => {
        signOutDue();
        await retentionDue();
        const timers = [
          setInterval(signOutDue, options.choresIntervalMs ?? AUTO_SIGNOUT_CHECK_MS),
          setInterval(() => void retentionDue(), RETENTION_INTERVAL_MS),
          // What an instance that stopped mid-check-in left, once no instance can still be writing it.
          ...(shared ? [setInterval(() => void sweepDue(), SHARED_SWEEP_INTERVAL_MS)] : []),
        ];
        for (const timer of timers) timer.unref();
        const stopSending = notify.start();
        return () => {
          timers.forEach(clearInterval);
          stopSending();
        };
      },
      erasure,
      applyRetention,
      close: () => {
        erasure.stop();
        audit.flushAll();
        events.close();
        void db.close();
      },
    };
  } catch (error) {
    void db.close();
    throw error;
  }
}

/**
 * The start-up sweep. A crash during check-in can leave half-written files in tmp/ and
 * whole files whose row never committed; their intents name them. Neither is visible
 * to a client, and both are removed before the server accepts a request.
 */
export async function recoverInterruptedCheckIns(
  store: PhotoStore,
  intents: ReturnType<typeof photoIntentsRepository>,
  writes: Writes,
  { now, graceMs }: { now: () => number; graceMs: number },
): Promise<void> {
  const temporary = await store.clearTemporaryFiles(graceMs);
  const unfinished = intents.unfinished(graceMs > 0 ? now() - graceMs : Number.MAX_SAFE_INTEGER);
  for (const intent of unfinished) {
    try {
      await store.removePhoto(intent.visitor_id, intent.format);
    } catch (error) {
      // A row no Frontdesk wrote (a malformed ID) must not keep the desk from starting.
      log.error({ err: error }, `could not remove the files of interrupted photo ${intent.visitor_id}`);
    }
    writes.run(() => intents.remove(intent.visitor_id));
  }
  if (temporary + unfinished.length > 0) {
    log.warn(`removed ${temporary} temporary files and ${unfinished.length} interrupted check-ins`);
  }
}
