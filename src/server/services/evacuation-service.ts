import type { Evacuation, EvacuationKind, EvacuationSummary } from '../../shared/evacuation';
import { ApiError } from '../api-error';
import type { EvacuationRow, EvacuationsRepository } from '../db/repositories/evacuations';
import { formatLocalTime } from '../time-format';
import type { Writes } from './unit-of-work';
import type { DeskEvents } from './desk-events';

/**
 * The evacuation roll call (shared/API.md Part 2). Starting freezes who is on the premises
 * in the same transaction that opens the roll; one roll is open at a time (a unique index
 * decides between two desks pressing at once); several desks mark people on the same roll;
 * a closed roll is the report: who was on it, and who was marked safe when by whom, never
 * change. A person's name, card and mobile are read as they are now, so an erasure reaches
 * the report, and so does a correction made on the day (a typo put right); an exit undone
 * while the roll is open puts that person on it (visitor-corrections.ts).
 */
export function evacuationService(deps: {
  writes: Writes;
  evacuations: EvacuationsRepository;
  events: DeskEvents;
  now: () => number;
}) {
  const { writes, evacuations, events, now } = deps;

  function header(row: EvacuationRow) {
    return {
      evacuation_id: row.evacuation_id,
      kind: row.kind,
      started_time: formatLocalTime(row.started_at),
      started_by: row.started_by,
      closed_time: row.closed_at === null ? null : formatLocalTime(row.closed_at),
      closed_by: row.closed_by,
    };
  }

  function summary(row: EvacuationRow): EvacuationSummary {
    return { ...header(row), people_count: row.people_count, accounted_count: row.accounted_count };
  }

  function get(id: number): Evacuation {
    const row = evacuations.byId(id);
    if (!row) throw new ApiError('3404', `There is no evacuation ${id}.`);
    return {
      ...header(row),
      people: evacuations.people(id).map((person) => ({
        visitor_id: person.visitor_id,
        name: person.name,
        card_no: person.card_no,
        mobile: person.mobile,
        visitee_name: person.visitee_name,
        has_photo: person.photo_format !== null,
        thumbhash: person.thumbhash ? person.thumbhash.toString('base64') : null,
        accounted_time: person.accounted_at === null ? null : formatLocalTime(person.accounted_at),
        accounted_by: person.accounted_by,
      })),
    };
  }

  const changed = (id: number): void => events.publish({ type: 'evacuation.changed', evacuation_id: id });

  function alreadyOpen(row: EvacuationRow): ApiError {
    return new ApiError('2409', `Evacuation ${row.evacuation_id} is still open: close it before starting another.`);
  }

  function start(kind: EvacuationKind, userId: number): Evacuation {
    const id = writes.run((unit) => {
      const open = evacuations.open();
      if (open) throw alreadyOpen(open);
      const started = evacuations.start(kind, now(), userId);
      unit.audit({ action: 'evacuation.start', userId, detail: kind });
      unit.afterCommit(() => changed(started));
      return started;
    });
    return get(id);
  }

  function openRoll(id: number): EvacuationRow {
    const row = evacuations.byId(id);
    if (!row) throw new ApiError('3404', `There is no evacuation ${id}.`);
    if (row.closed_at !== null) throw new ApiError('2409', `Evacuation ${id} is closed: its roll is the report now.`);
    return row;
  }

  function mark(id: number, visitorId: string, safe: boolean, userId: number): Evacuation {
    writes.run((unit) => {
      openRoll(id);
      if (!evacuations.mark(id, visitorId, safe ? now() : null, safe ? userId : null)) {
        throw new ApiError('3404', 'That person is not on this roll.');
      }
      unit.afterCommit(() => changed(id));
    });
    return get(id);
  }

  function close(id: number, userId: number): Evacuation {
    writes.run((unit) => {
      const row = openRoll(id);
      evacuations.close(id, now(), userId);
      unit.audit({
        action: 'evacuation.close',
        userId,
        detail: `${row.kind}: ${row.accounted_count} of ${row.people_count} accounted for`,
      });
      unit.afterCommit(() => changed(id));
    });
    return get(id);
  }

  return { start, get, mark, close, list: (): EvacuationSummary[] => evacuations.all().map(summary) };
}

export type EvacuationService = ReturnType<typeof evacuationService>;
