import { useState } from 'react';
import { ERASE_REASON_LABELS, ERASE_REASONS, type EraseReason, type ErasureResult } from '../../../../shared/audit';
import type { Visitor } from '../../../../shared/api-types';
import { useSession } from '../../app/session';
import { CloseActions, Dialog, FormActions } from '../../lib/Dialog';
import { useEraseVisitor } from '../../queries/audit';
import { FormError } from '../../lib/FormError';

/** Erases a visitor for good, with a reason for the audit trail, and says what was removed. */
export function EraseDialog({ visitor, onClose }: { visitor: Visitor; onClose: () => void }) {
  const { token } = useSession();
  const erase = useEraseVisitor(token);
  const [reason, setReason] = useState<EraseReason | null>(null);
  const [done, setDone] = useState<ErasureResult | null>(null);

  return (
    <Dialog title={done ? 'Visitor erased' : `Erase ${visitor.name}?`} onClose={onClose} className="confirm">
      {done ? (
        <p role="status">
          Erased at {done.erased_time}: {done.fields_cleared.join(', ') || 'nothing was left to remove'}
          {done.files_removed > 0 ? ` (${done.files_removed} photo files deleted)` : ''}. Card, host and times stay for
          head counts.
        </p>
      ) : (
        <form
          className="fields"
          onSubmit={(event) => {
            event.preventDefault();
            if (reason)
              erase.mutate({ visitorId: visitor.visitor_id, reason }, { onSuccess: (answer) => setDone(answer.data) });
          }}
        >
          <p>
            The name, mobile, purpose and photo are removed from this desk for good, from the database, its search index
            and its backups. Card number, host and times stay. This cannot be undone.
          </p>
          <fieldset className="choices">
            <legend>Reason (kept on the audit trail; chosen from a list, so no name is ever written there)</legend>
            {ERASE_REASONS.map((choice, index) => (
              <label key={choice}>
                <input
                  type="radio"
                  name="reason"
                  value={choice}
                  checked={reason === choice}
                  onChange={() => setReason(choice)}
                  autoFocus={index === 0}
                />
                {ERASE_REASON_LABELS[choice]}
              </label>
            ))}
          </fieldset>
          <FormError error={erase.error} />
          <FormActions
            onCancel={onClose}
            submit={erase.isPending ? 'Erasing…' : 'Erase for good'}
            busy={erase.isPending}
            disabled={!reason}
            className="primary danger"
          />
        </form>
      )}
      {done && <CloseActions onClose={onClose} label="Done" />}
    </Dialog>
  );
}
