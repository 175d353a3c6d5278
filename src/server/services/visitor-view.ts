import type { Visitor } from '../../shared/api-types';
import type { VisitorRecord, VisitorsRepository } from '../db/repositories/visitors';
import { formatLocalTime } from '../time-format';
import type { DeskEvents } from './desk-events';

/** A stored visitor as the API shows it. */
export function toVisitor(record: VisitorRecord): Visitor {
  return {
    visitor_id: record.visitor_id,
    card_no: record.card_no,
    name: record.name,
    mobile: record.mobile,
    purpose: record.purpose,
    visitee_no: record.visitee_no,
    visitee_name: record.visitee_name,
    entry_time: formatLocalTime(record.entry_at),
    exit_time: record.exit_at === null ? null : formatLocalTime(record.exit_at),
    exit_kind: record.exit_at === null ? null : (record.exit_kind ?? 'desk'),
    has_photo: record.photo_format !== null,
    erased: record.erased_at !== null,
    photo_width: record.photo_width,
    photo_height: record.photo_height,
    thumbhash: record.thumbhash ? record.thumbhash.toString('base64') : null,
    notification:
      record.notice_status === null
        ? null
        : {
            status: record.notice_status,
            channel: record.notice_channel!,
            time: formatLocalTime(record.notice_at!),
            error: record.notice_error,
          },
    type_id: record.type_id,
    // A type always exists for a visitor (the foreign key); the fallbacks only satisfy the join's nullability.
    type_name: record.type_name ?? 'Visitor',
    type_color: record.type_color ?? '#2563eb',
    agreement:
      record.signed_agreement_id === null
        ? null
        : {
            agreement_id: record.signed_agreement_id,
            version: record.signed_version!,
            title: record.signed_title!,
            time: formatLocalTime(record.signed_at!),
          },
  };
}

/**
 * Tells every open desk about a change to one visitor, with the visitor as the log now shows
 * them (read after the commit); returns what was sent, or undefined when there is no such visitor.
 */
export function announceVisitor(
  deps: { visitors: VisitorsRepository; events: DeskEvents },
  type: 'visitor.checkin' | 'visitor.exit' | 'visitor.erased' | 'visitor.updated',
  visitorId: string,
): Visitor | undefined {
  const record = deps.visitors.byId(visitorId);
  if (!record) return undefined;
  const visitor = toVisitor(record);
  deps.events.publish({ type, visitor_id: visitorId, visitor });
  return visitor;
}
