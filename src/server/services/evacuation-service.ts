import type { Evacuation, EvacuationKind, EvacuationSummary, RollDesk, RollPerson } from '../../shared/evacuation';
import { ApiError } from '../api-error';
import type { EvacuationRow, EvacuationsRepository, RollRow } from '../db/repositories/evacuations';
import { formatLocalTime } from '../time-format';
import type { Writes } from './unit-of-work';
import type { DeskEvents } from './desk-events';
import { rollCalls } from './roll-calls';

/**
 * The evacuation roll call (API contract Parts 2 and 3). Starting freezes who this desk
 * knows to be on the premises in the same transaction that opens the roll; a desk starts no
 * roll while one it knows is open; several desks mark people on the same roll; a closed roll
 * is the report: who was on it, and who was marked safe when by whom, never change. A
 * person's name, card and mobile are read as they are now, so an erasure reaches the report,
 * and so does a correction made on the day (a typo put right); an exit undone while the roll
 * is open puts that person on it (visitor-corrections.ts).
 *
 * Rolls started at two desks that could not reach each other are one roll call when they
 * meet (roll-calls.ts): its people are the union of both, each shown once with the first
 * mark made on them, and marking or closing it does so on every roll it is made of.
 */
export function evacuationService(deps: {
  writes: Writes;
  evacuations: EvacuationsRepository;
  events: DeskEvents;
  /** The other desks of the site and when this desk last heard from each. */
  othersHeard: () => RollDesk[];
  now: () => number;
}) {
  const { writes, evacuations, events, now } = deps;

  /** The roll call a roll belongs to, its first roll first. */
  function callOf(id: number): EvacuationRow[] {
    const call = rollCalls(evacuations.all()).find((rolls) => rolls.some((roll) => roll.evacuation_id === id));
    if (!call) throw new ApiError('3404', `There is no evacuation ${id}.`);
    return call;
  }

  const isOpen = (call: EvacuationRow[]): boolean => call.some((roll) => roll.closed_at === null);

  function header(call: EvacuationRow[]) {
    const first = call[0]!;
    const lastClosed = call.reduce((last, roll) => ((roll.closed_at ?? 0) > (last.closed_at ?? 0) ? roll : last));
    return {
      evacuation_id: first.evacuation_id,
      // A real alarm at any door makes the whole roll call real.
      kind: call.some((roll) => roll.kind === 'real') ? ('real' as const) : first.kind,
      started_time: formatLocalTime(first.started_at),
      started_by: first.started_by,
      closed_time: isOpen(call) ? null : formatLocalTime(lastClosed.closed_at!),
      closed_by: isOpen(call) ? null : lastClosed.closed_by,
    };
  }

  /** Everyone on any roll of the call once, with the first mark made on them. */
  function people(call: EvacuationRow[]): RollRow[] {
    if (call.length === 1) return evacuations.people(call[0]!.evacuation_id);
    const byVisitor = new Map<string, RollRow>();
    for (const roll of call) {
      for (const person of evacuations.people(roll.evacuation_id)) {
        const seen = byVisitor.get(person.visitor_id);
        const earlier =
          person.accounted_at !== null && (seen?.accounted_at == null || person.accounted_at < seen.accounted_at);
        if (!seen || earlier) byVisitor.set(person.visitor_id, person);
      }
    }
    return [...byVisitor.values()].sort(
      (a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'accent' }) || a.card_no - b.card_no,
    );
  }

  function summary(call: EvacuationRow[]): EvacuationSummary {
    if (call.length === 1) {
      const [roll] = call as [EvacuationRow];
      return { ...header(call), people_count: roll.people_count, accounted_count: roll.accounted_count };
    }
    const everyone = people(call);
    return {
      ...header(call),
      people_count: everyone.length,
      accounted_count: everyone.filter((person) => person.accounted_at !== null).length,
    };
  }

  const person = (row: RollRow): RollPerson => ({
    visitor_id: row.visitor_id,
    name: row.name,
    card_no: row.card_no,
    mobile: row.mobile,
    visitee_name: row.visitee_name,
    has_photo: row.photo_format !== null,
    thumbhash: row.thumbhash ? row.thumbhash.toString('base64') : null,
    accounted_time: row.accounted_at === null ? null : formatLocalTime(row.accounted_at),
    accounted_by: row.accounted_by,
  });

  function get(id: number): Evacuation {
    const call = callOf(id);
    return { ...header(call), people: people(call).map(person), desks: deps.othersHeard() };
  }

  const changed = (id: number): void => events.publish({ type: 'evacuation.changed', evacuation_id: id });

  function start(kind: EvacuationKind, userId: number): Evacuation {
    const id = writes.run((unit) => {
      const shown = openId();
      if (shown !== null) {
        throw new ApiError('2409', `Evacuation ${shown} is still open: close it before starting another.`);
      }
      const started = evacuations.start(kind, now(), userId);
      unit.audit({ action: 'evacuation.start', userId, detail: kind });
      unit.afterCommit(() => changed(started));
      return started;
    });
    return get(id);
  }

  function openCall(id: number): EvacuationRow[] {
    const call = callOf(id);
    if (!isOpen(call)) throw new ApiError('2409', `Evacuation ${id} is closed: its roll is the report now.`);
    return call;
  }

  function mark(id: number, visitorId: string, safe: boolean, userId: number): Evacuation {
    writes.run((unit) => {
      const call = openCall(id);
      const at = safe ? now() : null;
      const by = safe ? userId : null;
      // Every open roll of the call the person is on: whichever desk shows it, they are marked.
      // A roll closed before it met the others is a report, and reports do not change.
      const open = call.filter((roll) => roll.closed_at === null);
      const marked = open.filter((roll) => evacuations.mark(roll.evacuation_id, visitorId, at, by));
      if (marked.length === 0) {
        if (call.some((roll) => evacuations.isOn(roll.evacuation_id, visitorId))) {
          throw new ApiError('2409', 'That person is on a roll already closed: its report does not change.');
        }
        throw new ApiError('3404', 'That person is not on this roll.');
      }
      unit.afterCommit(() => changed(call[0]!.evacuation_id));
    });
    return get(id);
  }

  function close(id: number, userId: number): Evacuation {
    writes.run((unit) => {
      const call = openCall(id);
      const counts = summary(call);
      for (const roll of call) evacuations.close(roll.evacuation_id, now(), userId);
      unit.audit({
        action: 'evacuation.close',
        userId,
        detail: `${counts.kind}: ${counts.accounted_count} of ${counts.people_count} accounted for`,
      });
      unit.afterCommit(() => changed(call[0]!.evacuation_id));
    });
    return get(id);
  }

  /** The newest 500 roll calls first. */
  const list = (): EvacuationSummary[] => rollCalls(evacuations.all()).reverse().slice(0, 500).map(summary);

  /** The open roll call's ID, as its screens show it (the first roll of a call merged from several), or null. */
  function openId(): number | null {
    const open = evacuations.open();
    return open ? callOf(open.evacuation_id)[0]!.evacuation_id : null;
  }

  return { start, get, mark, close, list, openId };
}

export type EvacuationService = ReturnType<typeof evacuationService>;
