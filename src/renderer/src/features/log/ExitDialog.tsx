import type { Visitor } from '../../../../shared/api-types';
import { useSession } from '../../app/session';
import { Dialog } from '../../lib/Dialog';
import { useRecordExit } from '../../queries/mutations';
import { FormError } from '../../lib/FormError';

/** Confirms and records an exit (the optimistic update lives with the mutation, in queries/). */
export function ExitDialog({
  visitor,
  onClose,
  onExited,
}: {
  visitor: Visitor;
  onClose: () => void;
  /** Recorded: the desk offers to undo it for a few seconds. */
  onExited: (visitor: Visitor) => void;
}) {
  const { token } = useSession();
  const exit = useRecordExit(token, visitor.visitor_id, () => {
    onClose();
    onExited(visitor);
  });

  return (
    <Dialog title={`Record exit of ${visitor.name}?`} onClose={onClose} className="confirm">
      <p>
        Card <strong>#{visitor.card_no}</strong> should be handed back at the desk.
      </p>
      <FormError error={exit.error} />
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="primary danger"
          autoFocus
          disabled={exit.isPending}
          onClick={() => exit.mutate()}
        >
          Record exit
        </button>
      </div>
    </Dialog>
  );
}
