import { createHash } from 'node:crypto';
import type { ChangeLogRepository, ChangeKind } from '../db/repositories/change-log';
import type { PhotoIntentsRepository } from '../db/repositories/photo-intents';
import type { DeskRow, SiteRepository } from '../db/repositories/site';
import type { VisitorsRepository } from '../db/repositories/visitors';
import { logger } from '../log';
import type { PhotoStore } from '../photos/photo-store';
import type { Writes } from '../services/unit-of-work';
import type { Applied, Convergence } from './convergence';
import type { DeskCredentials } from './desk-certificate';
import { callPeer } from './peer-client';
import { isVisitorId } from '../ids';
import { parseReading } from './clock';
import { heardLongAgo } from './heard';
import { changesResponseSchema, type ChangesResponse, type Thing } from './protocol';
import { AUDIT_BATCH, type TrailExchange } from './trail-exchange';

const log = logger('replication');

/** How many changes one answer carries at most. */
export const BATCH = 200;
/** How many photos a desk fetches from another at once. */
const PHOTO_FETCHES = 4;
/** How often a desk asks each other desk for what it lacks: a check-in is on every screen within 2 s. */
export const PULL_INTERVAL_MS = 1000;

/**
 * Desks exchange changes by asking (API contract Part 3, Convergence rules): each desk asks
 * every desk it can reach for the changes it lacks, by the latest number it has from each
 * origin desk, and gets them with the state of everything they name. It applies a batch in
 * one unit of work that also records the changes as received, so a crash, a restart or a
 * week apart resumes exactly there, a change is applied once, and what a desk learnt from
 * another it passes on (A reaches C through B).
 */
export function replication(deps: {
  writes: Writes;
  changeLog: ChangeLogRepository;
  convergence: Convergence;
  trail: TrailExchange;
  site: SiteRepository;
  visitors: VisitorsRepository;
  intents: PhotoIntentsRepository;
  store: PhotoStore;
  credentials: () => DeskCredentials | undefined;
  now: () => number;
  /** What follows a batch's commit: the screens told, erased files deleted, sessions ended. */
  afterApply: (applied: Applied[]) => void;
}) {
  const { writes, changeLog, convergence, site, trail } = deps;

  /**
   * The answer to a desk that has `have`: the next changes, and every thing they need, and
   * the audit entries after `auditHave` (none to a desk that did not say what it holds).
   */
  function changesFor(
    have: Record<string, number>,
    limit: number,
    auditHave: Record<string, number> | undefined,
    asker?: string,
  ): ChangesResponse {
    const found = changeLog.after(have, limit + 1);
    const changes = found.slice(0, limit);
    const things = new Map<string, Thing>();
    const add = (kind: ChangeKind, key: string): void => {
      const id = `${kind}\u0000${key}`;
      if (things.has(id)) return;
      const thing = convergence.read(kind, key);
      if (!thing) return;
      things.set(id, thing);
      for (const reference of convergence.references(thing)) add(reference.kind, reference.key);
    };
    for (const change of changes) add(change.kind, change.key);
    const { audit, heads } = auditHave ? trail.entriesAfter(auditHave, asker) : { audit: [], heads: [] };
    return {
      changes,
      things: convergence.inOrder([...things.values()]),
      audit,
      audit_heads: heads,
      more: found.length > limit || audit.length >= AUDIT_BATCH,
    };
  }

  /** Where this desk reaches another: the address it set for it, else the one the desk gave. */
  const addressOf = (desk: DeskRow): string | null => desk.address_override ?? desk.address;

  /** What this desk asks with: the changes and trails it holds of each desk, and where it listens. */
  const question = (own = site.desk(changeLog.deskId())) => ({
    have: changeLog.vector(),
    audit_have: trail.held(),
    address: own?.address ?? null,
  });

  /**
   * Asks one desk for everything this desk lacks, a batch at a time, until it has it all;
   * returns how many changes it applied. A round asks every desk with one `first` question,
   * read once for all of them.
   */
  async function pullFrom(desk: DeskRow, first = question()): Promise<number> {
    const credentials = deps.credentials();
    const address = addressOf(desk);
    if (!credentials || !address || desk.revoked_at !== null) return 0;
    let applied = 0;
    let asked = first;
    for (;;) {
      const { have } = asked;
      // What the answer holds is that desk's as of now, whatever the photos' fetching takes after.
      const askedAt = deps.now();
      const answer = await callPeer({
        address,
        path: '/peer/v1/changes',
        body: { ...asked, limit: BATCH },
        pinned: desk.certificate,
        credentials,
        schema: changesResponseSchema,
      });
      const problem = checkBatch(answer, have, changeLog.deskId(), deps.now());
      if (problem) throw new Error(`${desk.name} sent a batch this desk does not take: ${problem}`);
      await fetchPhotos(desk, address, credentials, answer.things);
      const signatures = await fetchSignatures(desk, address, credentials, answer.things);
      // An answer with nothing in it is written only now and then, for when the desk was heard from (heard.ts).
      const empty = answer.changes.length === 0 && answer.things.length === 0 && answer.audit.length === 0;
      // Against when it was asked, the time written: a slow answer must not make every one a write.
      if (empty && !heardLongAgo(desk, askedAt)) return applied;
      const effects: Applied[] = [];
      let trailRefused: string | undefined;
      let newEntries = 0;
      const fresh = writes.run(
        (unit) => {
          // Applying a state twice, or an older one, changes nothing (site/convergence.ts).
          const unknown = answer.changes.filter((change) => !changeLog.isKnown(change.origin, change.seq));
          for (const thing of convergence.inOrder(answer.things)) {
            // One thing this desk cannot take (a state no rule foresaw) is set aside with a
            // word in the log; it does not hold up the rest of the site.
            const done = unit.attempt(() => convergence.apply(thing, signatures));
            if (done.ok) effects.push(done.value);
            else log.error({ err: done.error }, `could not apply ${thing.kind} ${thing.key} from ${desk.name}`);
          }
          // Only after something was applied: a statement that changes nothing still moves a
          // company store's data version, which other instances tell their streams of.
          if (answer.things.length > 0) convergence.keepAnAdmin();
          for (const change of unknown) changeLog.received(change);
          const trailTaken = trail.take(answer.audit, answer.audit_heads);
          trailRefused = trailTaken.problems.join('; ') || undefined;
          newEntries = trailTaken.taken;
          // In the same commit: when this desk last heard from that one is its own, never a
          // change. Only with its last batch: while more is to come, this desk still lacks some
          // of what that desk had, and its roll call must not show it as heard from.
          if (!answer.more) site.heardFrom(desk.desk_id, askedAt);
          return unknown.length;
        },
        { received: true },
      );
      applied += fresh;
      if (effects.length > 0) deps.afterApply(effects);
      // A trail refused would come again with every further batch: asked for again next round.
      if (trailRefused) log.error(`${desk.name} sent an audit entry this desk does not take: ${trailRefused}`);
      // An answer that brought nothing new would come again: the next round asks again.
      if (!answer.more || trailRefused || (fresh === 0 && newEntries === 0)) return applied;
      asked = question();
    }
  }

  /**
   * The photos of visitors new to this desk, fetched before their batch is applied so that
   * a visitor is never shown without their face. Each is written as a check-in writes it:
   * an intent first, so a crash before the batch commits leaves nothing behind at start-up.
   */
  async function fetchPhotos(desk: DeskRow, address: string, credentials: DeskCredentials, things: Thing[]) {
    const wanted = things.filter(
      (thing): thing is Extract<Thing, { kind: 'visitor' }> =>
        thing.kind === 'visitor' &&
        thing.state.photo !== null &&
        thing.state.erased_at === null &&
        !deps.visitors.byId(thing.key),
    );
    const fetchOne = async (thing: Extract<Thing, { kind: 'visitor' }>): Promise<void> => {
      const { format, bytes } = thing.state.photo!;
      const get = (kind: 'original' | 'thumb') =>
        callPeer<Buffer>({
          address,
          path: `/peer/v1/photos/${thing.key}/${kind}`,
          pinned: desk.certificate,
          credentials,
        });
      const [original, thumb] = await Promise.all([get('original'), get('thumb')]);
      // A broken or hostile peer is not believed: the sizes and the thumbnail's JPEG mark must hold.
      if (original.length !== bytes || thumb.length < 4 || thumb[0] !== 0xff || thumb[1] !== 0xd8) {
        throw new Error(`the photo of ${thing.key} from ${desk.name} is not what its record says`);
      }
      writes.run(() => deps.intents.add(thing.key, format, deps.now()));
      await deps.store.writePhoto(thing.key, format, original, thumb);
    };
    // A few at a time: one photo's round trips and fsyncs overlap the next one's transfer.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < wanted.length) await fetchOne(wanted[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(PHOTO_FETCHES, wanted.length) }, worker));
  }

  /**
   * The signatures of visitors new to this desk (API contract Part 5), fetched before their
   * batch is applied and held until it is: a signed-in visitor never arrives without what they
   * signed. Each must be the PNG its record's hash names.
   */
  async function fetchSignatures(
    desk: DeskRow,
    address: string,
    credentials: DeskCredentials,
    things: Thing[],
  ): Promise<Map<string, Buffer>> {
    const fetched = new Map<string, Buffer>();
    for (const thing of things) {
      if (thing.kind !== 'visitor' || !thing.state.signature || thing.state.erased_at !== null) continue;
      if (deps.visitors.byId(thing.key)) continue;
      const png = await callPeer<Buffer>({
        address,
        path: `/peer/v1/signatures/${thing.key}`,
        pinned: desk.certificate,
        credentials,
      });
      if (createHash('sha256').update(png).digest('hex') !== thing.state.signature.png_sha256) {
        throw new Error(`the signature of ${thing.key} from ${desk.name} is not what its record says`);
      }
      fetched.set(thing.key, png);
    }
    return fetched;
  }

  let timer: NodeJS.Timeout | undefined;
  /** The desks being asked now: one call at a time per desk. */
  const asking = new Set<string>();

  /**
   * One round: every other desk that is not revoked and has an address, all at once, so a
   * desk that is off or slow holds up no other (each call has its deadline, peer-client.ts).
   */
  async function round(): Promise<void> {
    const me = changeLog.deskId();
    const all = site.desks();
    const desks = all.filter((desk) => desk.desk_id !== me && !asking.has(desk.desk_id));
    if (desks.length === 0) return;
    const first = question(all.find((desk) => desk.desk_id === me));
    await Promise.all(
      desks.map(async (desk) => {
        asking.add(desk.desk_id);
        try {
          await pullFrom(desk, first);
        } catch (error) {
          // Unreachable is the normal state of a desk that is off: said quietly.
          log.debug({ err: error }, `could not exchange changes with ${desk.name}`);
        } finally {
          asking.delete(desk.desk_id);
        }
      }),
    );
  }

  return {
    changesFor,
    pullFrom,
    round,
    /** Starts asking every PULL_INTERVAL_MS; returns the function that stops it. */
    start(): () => void {
      // Reading its desks can fail too (a company server's database down): said, and tried
      // again at the next round; a promise left to reject would end the process.
      const ask = (): void => {
        round().catch((error: unknown) => log.error({ err: error }, 'could not ask the other desks for changes'));
      };
      ask();
      timer = setInterval(ask, PULL_INTERVAL_MS);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

export type Replication = ReturnType<typeof replication>;

/** How far ahead of this desk's clock another desk's reading may be: a clock set years ahead poisons nothing. */
const MAX_CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000;

/**
 * What a desk refuses in a batch, whoever sent it (a desk of the site can still be broken or
 * stolen): changes numbered as this desk's own, numbers that do not follow on from what it
 * asked with, things whose key is not the thing's own, and readings far in the future.
 * Undefined when the batch is sound.
 */
export function checkBatch(
  answer: ChangesResponse,
  have: Record<string, number>,
  me: string,
  now: number,
): string | undefined {
  const next = new Map<string, number>();
  for (const change of answer.changes) {
    if (change.origin === me) return 'a change numbered as this desk’s own';
    const expected = next.get(change.origin) ?? (have[change.origin] ?? 0) + 1;
    if (change.seq !== expected) return `change ${change.origin}/${change.seq} where ${expected} was due`;
    next.set(change.origin, expected + 1);
  }
  for (const thing of answer.things) {
    if (parseReading(thing.version).wall > now + MAX_CLOCK_AHEAD_MS) return `a clock reading ahead by more than a day`;
    if (thing.key !== keyOf(thing)) return `${thing.kind} ${thing.key} carries another thing`;
  }
  return undefined;
}

/** A thing's own key, from its state. */
function keyOf(thing: Thing): string | undefined {
  switch (thing.kind) {
    case 'visitor':
      return isVisitorId(thing.state.visitor_id) ? thing.state.visitor_id : undefined;
    case 'host':
      return String(thing.state.visitee_no);
    case 'account':
      return String(thing.state.id);
    case 'expected':
      return String(thing.state.expected_id);
    case 'desk':
      return thing.state.desk_id;
    case 'setting':
      return thing.state === null ? thing.key : thing.state.key;
    case 'roll':
      return String(thing.state.evacuation_id);
    case 'mark':
      return `${thing.state.evacuation_id}/${thing.state.visitor_id}`;
    case 'vtype':
      return String(thing.state.type_id);
    case 'agreement':
      return String(thing.state.agreement_id);
    case 'watch':
      return String(thing.state.entry_id);
  }
}
