import type { Visitor } from '../../shared/api-types';
import type { VisitorRecord } from '../db/repositories/visitors';
import { formatLocalTime } from '../time-format';

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
  };
}
