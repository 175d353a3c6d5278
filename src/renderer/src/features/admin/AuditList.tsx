import {
  AUDIT_ACTION_LABELS,
  ERASE_REASON_LABELS,
  SYSTEM_ACTOR_LABEL,
  type AuditAction,
  type AuditEntry,
  type EraseReason,
} from '../../../../shared/audit';
import { useSession } from '../../app/session';
import { useDeskNames } from '../../queries/site';
import { CORRECTION_FIELD_LABELS, type CorrectionField } from '../../../../shared/visitor-fields';

/** An erasure's reason is a word from a fixed list: shown as its label; a correction's fields, in words. */
function detailOf(entry: AuditEntry): string {
  if (entry.action === 'visitor.erase' && Object.hasOwn(ERASE_REASON_LABELS, entry.detail)) {
    return ERASE_REASON_LABELS[entry.detail as EraseReason];
  }
  // The trail names corrected fields as the API does (card_no); the screen, as people do.
  if (entry.action === 'visitor.update') {
    return entry.detail.replace(
      /\b(?:card_no|visitee_no)\b/g,
      (field) => CORRECTION_FIELD_LABELS[field as CorrectionField],
    );
  }
  return entry.detail;
}

/** An action in words; one only a later version knows (copied from another desk of the site), as it is. */
const actionLabel = (action: string): string =>
  Object.hasOwn(AUDIT_ACTION_LABELS, action) ? AUDIT_ACTION_LABELS[action as AuditAction] : action;

/** Entries of the audit trail, newest first; the admin area and the viewer's "who has seen this photo" share it. */
export function AuditList({
  entries,
  loading,
  hasMore,
  loadMore,
  onVisitor,
}: {
  entries: AuditEntry[];
  loading: boolean;
  hasMore: boolean;
  loadMore: () => void;
  onVisitor?: (visitorId: string) => void;
}) {
  const { token } = useSession();
  // Which desk's trail an entry is on, once the desk is one of several.
  const desks = useDeskNames(token);
  if (!loading && entries.length === 0) return <p className="notice">No entries.</p>;
  return (
    <>
      <table className="admin-table audit-table" aria-label="Audit trail">
        <thead>
          <tr>
            <th scope="col">When</th>
            {desks && <th scope="col">Desk</th>}
            <th scope="col">Account</th>
            <th scope="col">Action</th>
            <th scope="col">Visitor</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={`${entry.desk_id}/${entry.audit_id}`}>
              <td className="nowrap">{entry.time}</td>
              {desks && <td>{desks.get(entry.desk_id) ?? entry.desk_id.slice(0, 8)}</td>}
              <td>
                {entry.actor === 'system' ? <em className="system-actor">{SYSTEM_ACTOR_LABEL}</em> : entry.username}
              </td>
              <td>{actionLabel(entry.action)}</td>
              <td>
                {entry.visitor_id &&
                  (onVisitor ? (
                    <button type="button" className="link" onClick={() => onVisitor(entry.visitor_id!)}>
                      {entry.visitor_id}
                    </button>
                  ) : (
                    <code>{entry.visitor_id}</code>
                  ))}
              </td>
              <td>{detailOf(entry)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {hasMore && (
        <button type="button" onClick={loadMore}>
          Older entries
        </button>
      )}
    </>
  );
}
