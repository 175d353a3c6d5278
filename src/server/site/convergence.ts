import { USERNAME_MAX } from '../../shared/credentials';
import type { ChangeKind, ChangeLogRepository } from '../db/repositories/change-log';
import { ERASED_NAME, type ErasuresRepository } from '../db/repositories/erasures';
import type { PhotoIntentsRepository } from '../db/repositories/photo-intents';
import type { ReplicaRepository } from '../db/repositories/replica';
import type { VisitorsRepository } from '../db/repositories/visitors';
import { fingerprintOf } from './desk-certificate';
import type { RollState, Thing, VisitorState } from './protocol';
import type { AgreementsRepository } from '../db/repositories/agreements';
import type { VisitorTypesRepository } from '../db/repositories/visitor-types';
import type { WatchlistRepository } from '../db/repositories/watchlist';

type AccountState = Extract<Thing, { kind: 'account' }>['state'];
type ExpectedState = Extract<Thing, { kind: 'expected' }>['state'];

/** A username with the account's number, within the username's length. */
const numberedName = (username: string, id: number): string =>
  `${username.slice(0, USERNAME_MAX - String(id).length - 1)}-${id}`;

/** The order a batch is applied in: what others refer to first. */
const RANK: Record<ChangeKind, number> = {
  desk: 0,
  account: 1,
  host: 2,
  setting: 3,
  agreement: 4,
  vtype: 5,
  watch: 6,
  visitor: 7,
  expected: 8,
  roll: 9,
  mark: 10,
};

/** What applying a thing did, for what follows the commit (events, files, sessions). */
export type Applied =
  | {
      kind: 'visitor';
      visitorId: string;
      event: 'visitor.checkin' | 'visitor.exit' | 'visitor.erased' | 'visitor.updated';
      /** Files fetched for them that no row names were queued for deletion. */
      filesQueued: boolean;
    }
  | { kind: 'expected'; expectedId: number }
  | { kind: 'roll'; evacuationId: number }
  | { kind: 'account'; sessionsEnded: boolean }
  /** A watchlist entry this desk held was removed: the WAL is emptied of the person's name. */
  | { kind: 'watch-removed' }
  | { kind: 'other' };

/**
 * The convergence rules of API contract Part 3, as one desk applies what another holds.
 * Every rule is a merge that gives the same result whatever order the states arrive in and
 * however often: the first exit wins, an erasure wins over everything, and elsewhere the
 * latest change (by site/clock.ts) wins. A thing travels as its whole state, so applying a
 * newer state also carries what the older changes did.
 */
export function convergence(deps: {
  replica: ReplicaRepository;
  changeLog: ChangeLogRepository;
  visitors: VisitorsRepository;
  erasures: ErasuresRepository;
  intents: PhotoIntentsRepository;
  types: VisitorTypesRepository;
  agreements: AgreementsRepository;
  watchlist: WatchlistRepository;
  now: () => number;
}) {
  const { replica, changeLog, visitors, erasures, intents, types, agreements, watchlist } = deps;

  /** A thing as this desk holds it, with its version; undefined when there is no such thing. */
  function read(kind: ChangeKind, key: string): Thing | undefined {
    const version = changeLog.versionOf(kind, key) || changeLog.floorReading();
    switch (kind) {
      case 'visitor': {
        const state = replica.visitor(key);
        return (
          state && {
            kind,
            key,
            version,
            state: { ...state, details_version: changeLog.versionOf('visitor.details', key) },
          }
        );
      }
      case 'host': {
        const state = replica.host(Number(key));
        return state && { kind, key, version, state };
      }
      case 'account': {
        const state = replica.account(Number(key));
        return state && { kind, key, version, state: { ...state, versions: accountVersions(key) } };
      }
      case 'setting':
        return { kind, key, version, state: replica.setting(key) ?? null };
      case 'expected': {
        const state = replica.expected(Number(key));
        return state && { kind, key, version, state };
      }
      case 'desk': {
        const state = replica.desk(key);
        return state && { kind, key, version, state };
      }
      case 'roll': {
        const state = replica.roll(Number(key));
        return state && { kind, key, version, state };
      }
      case 'mark': {
        const state = replica.mark(key);
        return state && { kind, key, version, state };
      }
      case 'vtype': {
        const row = types.row(Number(key));
        return (
          row && {
            kind,
            key,
            version,
            state: { ...row, photo_required: row.photo_required === 1, active: row.active === 1 },
          }
        );
      }
      case 'agreement': {
        const row = agreements.row(Number(key));
        if (!row) return undefined;
        const versions = agreements
          .versions(row.agreement_id)
          .map(({ version: number, title, sha256, text, created_at }) => ({
            version: number,
            title,
            sha256,
            text,
            created_at,
          }));
        return { kind, key, version, state: { ...row, versions } };
      }
      case 'watch': {
        const state = watchlist.byId(Number(key));
        return state && { kind, key, version, state };
      }
    }
  }

  /** What a thing refers to, which must be there before it. */
  function references(thing: Thing): { kind: ChangeKind; key: string }[] {
    const found: { kind: ChangeKind; key: string }[] = [];
    if (thing.kind === 'visitor' || thing.kind === 'expected') {
      if (thing.state.visitee_no !== null) found.push({ kind: 'host', key: String(thing.state.visitee_no) });
      if (thing.state.created_by !== null) found.push({ kind: 'account', key: String(thing.state.created_by) });
    }
    if (thing.kind === 'visitor') {
      if (thing.state.type_id !== null) found.push({ kind: 'vtype', key: String(thing.state.type_id) });
      // The text a signature names comes with its agreement.
      if (thing.state.signature) found.push({ kind: 'agreement', key: String(thing.state.signature.agreement_id) });
    }
    if (thing.kind === 'vtype' && thing.state.agreement_id !== null) {
      found.push({ kind: 'agreement', key: String(thing.state.agreement_id) });
    }
    if (thing.kind === 'expected' && thing.state.visitor_id !== null) {
      found.push({ kind: 'visitor', key: thing.state.visitor_id });
    }
    if (thing.kind === 'roll') {
      for (const by of [thing.state.started_by, thing.state.closed_by]) {
        if (by !== null) found.push({ kind: 'account', key: String(by) });
      }
    }
    if (thing.kind === 'mark') {
      found.push({ kind: 'roll', key: String(thing.state.evacuation_id) });
      found.push({ kind: 'visitor', key: thing.state.visitor_id });
      if (thing.state.accounted_by !== null) found.push({ kind: 'account', key: String(thing.state.accounted_by) });
    }
    return found;
  }

  /** Things in the order to apply them: dependencies first. */
  const inOrder = (things: Thing[]): Thing[] => [...things].sort((a, b) => RANK[a.kind] - RANK[b.kind]);

  /**
   * Applies one thing inside the unit that applies a batch; `version` stays the later of the two.
   * `signatures` holds the PNGs fetched for the batch's new visitors (site/replication.ts).
   */
  function apply(thing: Thing, signatures: ReadonlyMap<string, Buffer> = new Map()): Applied {
    const mine = changeLog.versionOf(thing.kind, thing.key);
    const newer = thing.version > mine;
    changeLog.observe(thing.version);
    if (newer) changeLog.setVersion(thing.kind, thing.key, thing.version);
    switch (thing.kind) {
      case 'visitor': {
        const event = applyVisitor(thing.state, signatures.get(thing.key));
        return { kind: 'visitor', visitorId: thing.key, event, filesQueued: settleFetchedPhoto(thing.key) };
      }
      case 'account':
        return { kind: 'account', sessionsEnded: applyAccount(thing.state) };
      case 'host':
        if (newer) replica.writeHost(thing.state);
        return { kind: 'other' };
      case 'setting':
        if (newer) replica.writeSetting(thing.key, thing.state);
        return { kind: 'other' };
      case 'expected':
        applyExpected(thing.state, newer);
        return { kind: 'expected', expectedId: thing.state.expected_id };
      case 'roll':
        applyRoll(thing.state);
        return { kind: 'roll', evacuationId: thing.state.evacuation_id };
      case 'mark': {
        // Marked or not, by whom and when: the latest change wins (a mark undone stays undone).
        if (newer || !replica.mark(thing.key)) replica.writeMark(thing.state);
        return { kind: 'roll', evacuationId: thing.state.evacuation_id };
      }
      case 'vtype': {
        // A type is never removed: the latest change of it wins.
        if (newer || !types.row(thing.state.type_id)) {
          const { photo_required, active, ...rest } = thing.state;
          types.write({ ...rest, photo_required: photo_required ? 1 : 0, active: active ? 1 : 0 });
        }
        return { kind: 'other' };
      }
      case 'agreement': {
        // Versions are only ever added (each desk keeps every one it hears of); the current one is the latest change's.
        const { versions, ...current } = thing.state;
        const local = agreements.row(current.agreement_id);
        agreements.write(
          newer || !local ? current : local,
          versions.map((v) => ({ ...v, agreement_id: current.agreement_id })),
        );
        return { kind: 'other' };
      }
      case 'watch': {
        // A removal wins over everything: no desk keeps the person once any desk removed them.
        const local = watchlist.byId(thing.state.entry_id);
        const removals = [local?.removed_at, thing.state.removed_at].filter((at): at is number => at != null);
        const next = newer || !local ? thing.state : local;
        watchlist.write({ ...next, removed_at: removals.length > 0 ? Math.min(...removals) : null });
        return local && local.removed_at === null && removals.length > 0
          ? { kind: 'watch-removed' }
          : { kind: 'other' };
      }
      case 'desk': {
        const local = replica.desk(thing.key);
        // A revocation wins over everything: a stolen kiosk is never let back in by a later rename.
        const revokedAt =
          local?.revoked_at != null && thing.state.revoked_at != null
            ? Math.min(local.revoked_at, thing.state.revoked_at)
            : (local?.revoked_at ?? thing.state.revoked_at);
        const state = newer || !local ? thing.state : local;
        // A desk's certificate is the one it joined with: no later change replaces it.
        const certificate = local?.certificate ?? state.certificate;
        replica.writeDesk({ ...state, certificate, revoked_at: revokedAt }, fingerprintOf(certificate));
        return { kind: 'other' };
      }
    }
  }

  /** A roll: when and by whom it started never change, and of two closes the first wins. */
  function applyRoll(state: RollState): void {
    const local = replica.roll(state.evacuation_id);
    const closes = [local, state].filter((side) => side?.closed_at != null) as RollState[];
    const first = closes.sort((a, b) => a.closed_at! - b.closed_at! || (a.closed_by ?? 0) - (b.closed_by ?? 0))[0];
    replica.writeRoll({
      ...(local ?? state),
      closed_at: first?.closed_at ?? null,
      closed_by: first?.closed_by ?? null,
    });
  }

  /**
   * An expected visit: the latest change wins, except that an arrival stands (the person came,
   * whatever was done to the visit elsewhere meanwhile), then a cancellation (no desk can undo
   * one: the invitation sent later by the desk that took the visit must not), and an erasure
   * wins over everything. The invitation's time is the first one known.
   */
  function applyExpected(state: ExpectedState, newer: boolean): void {
    const local = replica.expected(state.expected_id);
    let next = !local || newer ? state : local;
    const arrived = [local, state].find((side) => side?.status === 'arrived');
    if (arrived) next = { ...next, status: 'arrived', visitor_id: arrived.visitor_id };
    else if (local?.status === 'cancelled' || state.status === 'cancelled') next = { ...next, status: 'cancelled' };
    const invitedAt = [local?.invited_at, state.invited_at].filter((at): at is number => at != null);
    next = {
      ...next,
      invited_at: invitedAt.length > 0 ? Math.min(...invitedAt) : null,
      // Set once, by the desk that took the visit: a desk that has it keeps it.
      invite_token: local?.invite_token ?? state.invite_token,
    };
    const erasedAt = [local?.erased_at, state.erased_at].filter((at): at is number => at != null);
    if (erasedAt.length > 0) {
      next = {
        ...next,
        name: ERASED_NAME,
        mobile: null,
        purpose: null,
        note: null,
        email: null,
        erased_at: Math.min(...erasedAt),
      };
    }
    replica.writeExpected(next);
  }

  const ACCOUNT_FIELDS = [
    ['active', 'account.active'],
    ['password_hash', 'account.password'],
    ['role', 'account.role'],
  ] as const;

  function accountVersions(key: string): AccountState['versions'] {
    const [active, password, role] = ACCOUNT_FIELDS.map(([, kind]) => changeLog.versionOf(kind, key));
    return { active: active!, password_hash: password!, role: role! };
  }

  /**
   * Each field of an account takes its own latest change, so a role changed at one desk does
   * not undo a deactivation or a new password made at another. A deactivation and a new
   * password end the account's sessions here as they arrive. Returns whether they did.
   */
  function applyAccount(state: AccountState): boolean {
    const key = String(state.id);
    const local = replica.account(state.id);
    const mine = accountVersions(key);
    const next = { ...(local ?? state) };
    for (const [field, kind] of ACCOUNT_FIELDS) {
      if (local && state.versions[field] <= mine[field]) continue;
      (next as Record<string, unknown>)[field] = state[field];
      if (state.versions[field]) changeLog.setVersion(kind, key, state.versions[field]);
    }
    keepUsernamesApart(next);
    replica.writeAccount(next);
    const ended = local !== undefined && ((local.active && !next.active) || local.password_hash !== next.password_hash);
    if (ended) replica.endSessions(state.id, deps.now());
    return ended;
  }

  /**
   * Two accounts of one username made at two desks apart: the lower-numbered keeps it, the
   * other is known by its name and number ("casey-4294967297") on every desk, whichever of
   * the two a desk heard of first, so both accounts stay (and the check-ins made with each).
   */
  function keepUsernamesApart(next: Omit<AccountState, 'versions'>): void {
    const holder = replica.accountNamed(next.username);
    if (!holder || holder.id === next.id) return;
    if (holder.id < next.id) next.username = numberedName(next.username, next.id);
    else replica.renameAccount(holder.id, numberedName(holder.username, holder.id));
  }

  /**
   * A photo fetched for a visitor (site/replication.ts) whose batch did not commit with it
   * (the link failed before the batch, and the visitor came erased later) is named by no
   * row: its files are queued for deletion with the intent's end, in the same unit.
   */
  function settleFetchedPhoto(visitorId: string): boolean {
    const fetched = intents.of(visitorId);
    if (!fetched) return false;
    intents.remove(visitorId);
    if (visitors.photoOf(visitorId)?.format) return false;
    erasures.queueDeletion(visitorId, fetched.format);
    return true;
  }

  function applyVisitor(
    state: VisitorState,
    png: Buffer | undefined,
  ): 'visitor.checkin' | 'visitor.exit' | 'visitor.erased' | 'visitor.updated' {
    // An erased visitor carries nothing of the person, whatever a desk sent.
    if (state.erased_at !== null) {
      state = { ...state, name: ERASED_NAME, mobile: '', purpose: '', photo: null, signature: null };
    }
    const record = visitors.byId(state.visitor_id);
    if (!record) {
      const photo =
        state.erased_at === null && state.photo
          ? { ...state.photo, thumbhash: Buffer.from(state.photo.thumbhash, 'base64') }
          : null;
      visitors.insert(state, photo);
      if (state.signature) {
        // Fetched before the batch and checked against its hash there; a visitor is never without what they signed.
        if (!png) throw new Error(`the signature of ${state.visitor_id} did not come with it`);
        const { agreement_id, version, title, sha256, signed_at, name, mobile } = state.signature;
        agreements.addSignature({
          visitor_id: state.visitor_id,
          agreement_id,
          version,
          title,
          sha256,
          signed_at,
          name,
          mobile,
          png,
        });
      }
      if (state.details_version) changeLog.setVersion('visitor.details', state.visitor_id, state.details_version);
      if (state.undone_exits.length > 0) replica.setExit(state.visitor_id, state, state.undone_exits);
      return state.erased_at === null ? 'visitor.checkin' : 'visitor.erased';
    }
    const local = replica.visitor(state.visitor_id)!;
    let event: 'visitor.exit' | 'visitor.erased' | 'visitor.updated' = 'visitor.updated';
    // An erasure wins over everything, and nothing of the person comes back after it.
    if (local.erased_at === null && state.erased_at !== null) {
      erasures.eraseVisitor(record, state.erased_at);
      event = 'visitor.erased';
    } else if (local.erased_at !== null && state.erased_at !== null && state.erased_at < local.erased_at) {
      // Erased at two desks apart: the first erasure is the one every desk keeps.
      replica.setErasedAt(state.visitor_id, state.erased_at);
    } else if (
      state.details_version > changeLog.versionOf('visitor.details', state.visitor_id) &&
      local.erased_at === null &&
      state.erased_at === null &&
      (state.name !== local.name ||
        state.mobile !== local.mobile ||
        state.purpose !== local.purpose ||
        state.card_no !== local.card_no ||
        state.visitee_no !== local.visitee_no)
    ) {
      // A correction: the latest wins, whatever else changed since at either desk.
      visitors.correct(record, state);
      changeLog.setVersion('visitor.details', state.visitor_id, state.details_version);
    }
    // Exits, erased or not (times stay for head counts): an exit recorded anywhere stands
    // unless it was undone somewhere, and of two the first wins.
    const undone = [...new Set([...local.undone_exits, ...state.undone_exits])].sort((a, b) => a - b);
    const standing = [local, state].filter((side) => side.exit_at !== null && !undone.includes(side.exit_at));
    const exit = standing.reduce<{ exit_at: number | null; exit_kind: VisitorState['exit_kind'] }>(
      (first, side) => (first.exit_at === null || side.exit_at! < first.exit_at ? side : first),
      { exit_at: null, exit_kind: null },
    );
    if (
      exit.exit_at !== local.exit_at ||
      exit.exit_kind !== local.exit_kind ||
      undone.length !== local.undone_exits.length
    ) {
      replica.setExit(state.visitor_id, exit, undone);
      if (local.exit_at === null && exit.exit_at !== null && event === 'visitor.updated') event = 'visitor.exit';
    }
    return event;
  }

  /**
   * Two desks apart may each deactivate a different admin: when the site has admins and
   * none of them is active, the one with the lowest number stays active (every desk picks
   * the same), so the site can always be administered.
   */
  function keepAnAdmin(): void {
    replica.keepAnAdmin();
  }

  return { read, references, inOrder, apply, keepAnAdmin };
}

export type Convergence = ReturnType<typeof convergence>;
