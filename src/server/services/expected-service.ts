import { formatLocalDate } from '../../shared/dates';
import type { ExpectedVisit } from '../../shared/expected';
import { ApiError } from '../api-error';
import type { ExpectedVisitsRepository } from '../db/repositories/expected-visits';
import type { VisiteesRepository } from '../db/repositories/visitees';
import type { DeskEvents } from './desk-events';
import type { Writes } from './unit-of-work';

export interface ExpectedVisitInput {
  name: string;
  expected_date: string;
  expected_time?: string | undefined;
  visitee_no?: number | undefined;
  purpose?: string | undefined;
  mobile?: string | undefined;
  note?: string | undefined;
}

/** Visits announced in advance (shared/API.md, Expected visitors). */
export function expectedService(deps: {
  expectedVisits: ExpectedVisitsRepository;
  visitees: VisiteesRepository;
  writes: Writes;
  now: () => number;
  events: DeskEvents;
}) {
  const { expectedVisits, visitees, writes, now, events } = deps;
  const changed = (id: number): void => events.publish({ type: 'expected.changed', expected_id: id });

  function get(expectedId: number): ExpectedVisit {
    const visit = expectedVisits.byId(expectedId);
    if (!visit) throw new ApiError('3404', `There is no expected visit ${expectedId}.`);
    return visit;
  }

  function create(input: ExpectedVisitInput, userId: number): ExpectedVisit {
    const id = writes.run((unit) => {
      if (input.visitee_no !== undefined && !visitees.isActive(input.visitee_no)) {
        throw new ApiError('3404', `There is no host number ${input.visitee_no} who can be visited.`, {
          field: 'visitee_no',
        });
      }
      const inserted = expectedVisits.insert({
        name: input.name,
        expected_date: input.expected_date,
        expected_time: input.expected_time ?? null,
        visitee_no: input.visitee_no ?? null,
        purpose: input.purpose ?? null,
        mobile: input.mobile ?? null,
        note: input.note ?? null,
        created_by: userId,
        created_at: now(),
      });
      unit.afterCommit(() => changed(inserted));
      return inserted;
    });
    return get(id);
  }

  function cancel(expectedId: number): ExpectedVisit {
    writes.run((unit) => {
      const visit = get(expectedId);
      if (!expectedVisits.cancel(expectedId)) {
        throw new ApiError('2409', `Expected visit ${expectedId} is already ${visit.status}.`);
      }
      unit.afterCommit(() => changed(expectedId));
    });
    return get(expectedId);
  }

  return {
    /**
     * The expected visits of a day (default today), or of the days from `from` to `to`:
     * every status, so a no-show stays visible all day.
     */
    list: (days: {
      date?: string | undefined;
      from?: string | undefined;
      to?: string | undefined;
    }): ExpectedVisit[] => {
      const today = formatLocalDate(new Date(now()));
      const from = days.from ?? days.date ?? today;
      return expectedVisits.inRange(from, days.to ?? days.date ?? from);
    },
    create,
    cancel,
  };
}

export type ExpectedService = ReturnType<typeof expectedService>;
