import type { ChangeKind, ChangeLogRepository } from '../db/repositories/change-log';
import type { ErasuresRepository } from '../db/repositories/erasures';
import type { ReplicaRepository } from '../db/repositories/replica';
import type { VisitorsRepository } from '../db/repositories/visitors';
import { fingerprintOf } from './desk-certificate';
import type { Thing, VisitorState } from './protocol';

/** The order a batch is applied in: what others refer to first. */
const RANK: Record<ChangeKind, number> = { desk: 0, account: 1, host: 2, setting: 3, visitor: 4, expected: 5 };

/** What applying a thing did, for what follows the commit (events, files, sessions). */
export type Applied =
  | {
      kind: 'visitor';
      visitorId: string;
      event: 'visitor.checkin' | 'visitor.exit' | 'visitor.erased' | 'visitor.updated';
    }
  | { kind: 'expected'; expectedId: number }
  | { kind: 'account'; sessionsEnded: boolean }
  | { kind: 'other' };

/**
 * The convergence rules of shared/API.md Part 3, as one desk applies what another holds.
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
  now: () => number;
}) {
  const { replica, changeLog, visitors, erasures } = deps;

  /** A thing as this desk holds it, with its version; undefined when there is no such thing. */
  function read(kind: ChangeKind, key: string): Thing | undefined {
    const version = changeLog.versionOf(kind, key) || changeLog.floorReading();
    switch (kind) {
      case 'visitor': {
        const state = replica.visitor(key);
        return state && { kind, key, version, state };
      }
      case 'host': {
        const state = replica.host(Number(key));
        return state && { kind, key, version, state };
      }
      case 'account': {
        const state = replica.account(Number(key));
        return state && { kind, key, version, state };
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
    }
  }

  /** What a thing refers to, which must be there before it. */
  function references(thing: Thing): { kind: ChangeKind; key: string }[] {
    const found: { kind: ChangeKind; key: string }[] = [];
    if (thing.kind === 'visitor' || thing.kind === 'expected') {
      if (thing.state.visitee_no !== null) found.push({ kind: 'host', key: String(thing.state.visitee_no) });
      if (thing.state.created_by !== null) found.push({ kind: 'account', key: String(thing.state.created_by) });
    }
    if (thing.kind === 'expected' && thing.state.visitor_id !== null) {
      found.push({ kind: 'visitor', key: thing.state.visitor_id });
    }
    return found;
  }

  /** Things in the order to apply them: dependencies first. */
  const inOrder = (things: Thing[]): Thing[] => [...things].sort((a, b) => RANK[a.kind] - RANK[b.kind]);

  /** Applies one thing inside the unit that applies a batch; `version` stays the later of the two. */
  function apply(thing: Thing): Applied {
    const mine = changeLog.versionOf(thing.kind, thing.key);
    const newer = thing.version > mine;
    changeLog.observe(thing.version);
    if (newer) changeLog.setVersion(thing.kind, thing.key, thing.version);
    switch (thing.kind) {
      case 'visitor':
        return { kind: 'visitor', visitorId: thing.key, event: applyVisitor(thing.state, newer) };
      case 'account': {
        const local = replica.account(thing.state.id);
        // Deactivation and a new password end sessions as soon as they arrive, whichever change is the latest.
        const sessionsEnded =
          local !== undefined &&
          ((!thing.state.active && local.active) || thing.state.password_hash !== local.password_hash);
        if (newer || local === undefined) replica.writeAccount(thing.state);
        if (sessionsEnded) replica.endSessions(thing.state.id, deps.now());
        return { kind: 'account', sessionsEnded };
      }
      case 'host':
        if (newer) replica.writeHost(thing.state);
        return { kind: 'other' };
      case 'setting':
        if (newer) replica.writeSetting(thing.key, thing.state);
        return { kind: 'other' };
      case 'expected':
        if (newer) replica.writeExpected(thing.state);
        return { kind: 'expected', expectedId: thing.state.expected_id };
      case 'desk': {
        const local = replica.desk(thing.key);
        // A revocation wins over everything: a stolen kiosk is never let back in by a later rename.
        const revokedAt =
          local?.revoked_at != null && thing.state.revoked_at != null
            ? Math.min(local.revoked_at, thing.state.revoked_at)
            : (local?.revoked_at ?? thing.state.revoked_at);
        const state = newer || !local ? thing.state : local;
        replica.writeDesk({ ...state, revoked_at: revokedAt }, fingerprintOf(state.certificate));
        return { kind: 'other' };
      }
    }
  }

  function applyVisitor(
    state: VisitorState,
    newer: boolean,
  ): 'visitor.checkin' | 'visitor.exit' | 'visitor.erased' | 'visitor.updated' {
    const local = visitors.byId(state.visitor_id);
    if (!local) {
      const photo =
        state.erased_at === null && state.photo
          ? { ...state.photo, thumbhash: Buffer.from(state.photo.thumbhash, 'base64') }
          : null;
      visitors.insert({ ...state, exit_at: state.exit_at, exit_kind: state.exit_kind }, photo);
      return state.erased_at === null ? 'visitor.checkin' : 'visitor.erased';
    }
    // Erased here: nothing of them comes back, whatever arrives later.
    if (local.erased_at !== null) return 'visitor.updated';
    if (state.erased_at !== null) {
      erasures.eraseVisitor(local, state.erased_at);
      return 'visitor.erased';
    }
    let event: 'visitor.exit' | 'visitor.updated' = 'visitor.updated';
    // Two exits: the first wins. An exit against none: the latest change says which (an exit, or one undone).
    const exit =
      state.exit_at !== null && local.exit_at !== null
        ? state.exit_at < local.exit_at
          ? state
          : local
        : newer
          ? state
          : local;
    if (exit.exit_at !== local.exit_at || exit.exit_kind !== local.exit_kind) {
      replica.setExit(state.visitor_id, exit.exit_at, exit.exit_kind);
      if (local.exit_at === null) event = 'visitor.exit';
    }
    if (
      newer &&
      (state.name !== local.name ||
        state.mobile !== local.mobile ||
        state.purpose !== local.purpose ||
        state.card_no !== local.card_no ||
        state.visitee_no !== local.visitee_no)
    ) {
      visitors.correct(local, state);
    }
    return event;
  }

  return { read, references, inOrder, apply };
}

export type Convergence = ReturnType<typeof convergence>;
