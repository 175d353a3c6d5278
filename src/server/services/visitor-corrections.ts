import type { Visitor } from '../../shared/api-types';
import { formatLocalDate } from '../../shared/dates';
import { CORRECTION_FIELDS, type VisitorCorrection } from '../../shared/visitor-fields';
import { ApiError } from '../api-error';
import type { EvacuationsRepository } from '../db/repositories/evacuations';
import type { VisiteesRepository } from '../db/repositories/visitees';
import type { VisitorRecord, VisitorsRepository } from '../db/repositories/visitors';
import { isVisitorId } from '../ids';
import type { UnitOfWork, Writes } from './unit-of-work';
import type { DeskEvents } from './desk-events';
import { announceVisitor, toVisitor } from './visitor-view';

/** How long after a desk exit it can be undone (the desk offers it for 10 s; another desk's clock may lag). */
const UNDO_EXIT_MS = 10 * 60 * 1000;

/**
 * Mistakes put right (API contract Part 2, Corrections): a visitor's fields corrected on
 * the day, an exit recorded by mistake undone, and the next free card number. Each change
 * commits with its audit entry (the fields' names, never their values).
 */
export function visitorCorrections(deps: {
  writes: Writes;
  visitors: VisitorsRepository;
  visitees: VisiteesRepository;
  evacuations: EvacuationsRepository;
  events: DeskEvents;
  now: () => number;
}) {
  const { writes, visitors, visitees, evacuations, events, now } = deps;

  const announce = (visitorId: string): Visitor => announceVisitor({ visitors, events }, 'visitor.updated', visitorId)!;

  /** The card is held by someone else on the premises: the unique index says so too, under a race. */
  function cardTaken(cardNo: number): ApiError {
    return new ApiError('2409', `Card ${cardNo} is held by another visitor on the premises.`, { field: 'card_no' });
  }

  function correctable(visitorId: string): VisitorRecord {
    const record = isVisitorId(visitorId) ? visitors.byId(visitorId) : undefined;
    if (!record || record.erased_at !== null) throw new ApiError('3404', 'There is no visitor with that ID.');
    const today = formatLocalDate(new Date(now()));
    if (record.exit_at !== null && formatLocalDate(new Date(record.exit_at)) !== today) {
      throw new ApiError('2409', 'Only a visitor on the premises, or who left today, can be corrected.');
    }
    return record;
  }

  function applyCorrection(
    visitorId: string,
    correction: VisitorCorrection,
    userId: number,
    unit: UnitOfWork,
  ): boolean {
    const record = correctable(visitorId);
    const next = {
      name: correction.name ?? record.name,
      mobile: correction.mobile ?? record.mobile,
      purpose: correction.purpose ?? record.purpose,
      card_no: correction.card_no ?? record.card_no,
      visitee_no: correction.visitee_no === undefined ? record.visitee_no : correction.visitee_no,
    };
    const changed = CORRECTION_FIELDS.filter((field) => next[field] !== record[field]);
    if (changed.length === 0) return false;
    if (changed.includes('visitee_no') && next.visitee_no !== null && !visitees.isActive(next.visitee_no)) {
      throw new ApiError('3404', `There is no host number ${next.visitee_no} who can be visited.`, {
        field: 'visitee_no',
      });
    }
    if (changed.includes('card_no') && record.exit_at === null && visitors.isCardOnSite(next.card_no)) {
      throw cardTaken(next.card_no);
    }
    visitors.correct(record, next);
    unit.audit({ action: 'visitor.update', userId, visitorId, detail: `corrected ${changed.join(', ')}` });
    return true;
  }

  function correct(visitorId: string, correction: VisitorCorrection, userId: number): Visitor {
    const changed = writes.run((unit) => applyCorrection(visitorId, correction, userId, unit));
    return changed ? announce(visitorId) : toVisitor(visitors.byId(visitorId)!);
  }

  /**
   * The exit was a mistake, so the visitor never left: if an evacuation's roll is open, they
   * were on the premises at the alarm and go on it, in the same transaction.
   */
  function applyUndo(visitorId: string, userId: number, unit: UnitOfWork): number | undefined {
    if (!isVisitorId(visitorId) || !visitors.undoExit(visitorId, now() - UNDO_EXIT_MS)) {
      throw new ApiError(
        '3404',
        'There is no exit of that visitor, recorded at a desk in the last ten minutes, to undo.',
      );
    }
    // Checked after the row is back on the premises, under the same lock: two holders of
    // the card means it was given to someone else meanwhile, and the unit rolls back.
    const card = visitors.byId(visitorId)!.card_no;
    if (visitors.holdersOfCard(card) > 1) {
      throw new ApiError('2409', `Card ${card} was given to someone else meanwhile: check them in again.`);
    }
    unit.audit({ action: 'visitor.update', userId, visitorId, detail: 'exit undone' });
    return evacuations.addToOpenRoll(visitorId);
  }

  function undoExit(visitorId: string, userId: number): Visitor {
    const roll = writes.run((unit) => applyUndo(visitorId, userId, unit));
    if (roll !== undefined) events.publish({ type: 'evacuation.changed', evacuation_id: roll });
    return announce(visitorId);
  }

  function nextCard(): number {
    const card = visitors.nextFreeCard();
    if (card === undefined)
      throw new ApiError('2409', 'Every card from 1 to 9999 is held by a visitor on the premises.');
    return card;
  }

  return { correct, undoExit, nextCard };
}

export type VisitorCorrections = ReturnType<typeof visitorCorrections>;
