import { randomBytes } from 'node:crypto';
import { formatLocalDate } from '../../shared/dates';
import { INVITE_TOKEN, type ExpectedVisit } from '../../shared/expected';
import { ApiError } from '../api-error';
import type { ExpectedVisitsRepository } from '../db/repositories/expected-visits';
import type { VisiteesRepository } from '../db/repositories/visitees';
import type { DeskEvents } from './desk-events';
import type { Outbox } from '../notify/outbox';
import type { Writes } from './unit-of-work';

export interface ExpectedVisitInput {
  name: string;
  expected_date: string;
  expected_time?: string | undefined;
  visitee_no?: number | undefined;
  purpose?: string | undefined;
  mobile?: string | undefined;
  note?: string | undefined;
  email?: string | undefined;
}

/** Visits announced in advance (API contract, Expected visitors). */
export function expectedService(deps: {
  expectedVisits: ExpectedVisitsRepository;
  visitees: VisiteesRepository;
  writes: Writes;
  now: () => number;
  events: DeskEvents;
  /** The outbox: an invitation is written in the same unit as its visit. */
  notify: Pick<Outbox, 'queueInvitation'>;
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
        email: input.email ?? null,
        invite_token: randomBytes(32).toString('hex').toUpperCase(),
        created_by: userId,
        created_at: now(),
      });
      deps.notify.queueInvitation(unit, inserted);
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

  /**
   * The expected visit an invitation's token names, if it can be checked in today: 3404 for a
   * token no visit has, 2409 (in words) for one cancelled, arrived or for another day.
   */
  function byToken(token: string): ExpectedVisit {
    const visit = INVITE_TOKEN.test(token) ? expectedVisits.byToken(token) : undefined;
    if (!visit) throw new ApiError('3404', 'No expected visit has this invitation.');
    if (visit.status === 'arrived')
      throw new ApiError('2409', `${visit.name} has already arrived with this invitation.`);
    if (visit.status === 'cancelled') throw new ApiError('2409', `The visit of ${visit.name} was cancelled.`);
    const today = formatLocalDate(new Date(now()));
    if (visit.expected_date !== today) {
      throw new ApiError('2409', `This invitation is for ${visit.expected_date}, not today (${today}).`);
    }
    return visit;
  }

  /** The token its QR code holds, for printing or re-sending it. */
  function tokenOf(expectedId: number): string {
    const token = expectedVisits.tokenOf(expectedId);
    if (token === undefined) throw new ApiError('3404', `There is no expected visit ${expectedId}.`);
    if (token === null) {
      throw new ApiError(
        '2409',
        `Expected visit ${expectedId} was taken at another desk before invitations: its code comes with that desk's next changes.`,
      );
    }
    return token;
  }

  return {
    byToken,
    tokenOf,
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
