import { useEffect } from 'react';
import type { Visitor } from '../../../../shared/api-types';
import { useSession } from '../../app/session';
import { useUndoExit } from '../../queries/mutations';

/** How long an exit can be undone from the desk that recorded it. */
export const UNDO_EXIT_SHOWN_MS = 10_000;

/**
 * Shown for ten seconds after an exit is recorded: a wrong card tapped is put right with one
 * click (the server allows it for ten minutes after a desk exit, and refuses it once the
 * card has been given to someone else).
 */
export function ExitUndoBar({ visitor, onDismiss }: { visitor: Visitor; onDismiss: () => void }) {
  const { token } = useSession();
  const undo = useUndoExit(token);
  useEffect(() => {
    if (undo.isPending || undo.isError) return;
    const timer = setTimeout(onDismiss, UNDO_EXIT_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [onDismiss, undo.isPending, undo.isError]);

  return (
    <div className="checked-in exit-undo" role="status">
      {undo.isError ? (
        <span className="form-error">{undo.error.message}</span>
      ) : (
        <span>
          <strong>{visitor.name}</strong> has left (card #{visitor.card_no}).
        </span>
      )}
      {!undo.isError && (
        <button
          type="button"
          className="primary"
          disabled={undo.isPending}
          onClick={() => undo.mutate(visitor.visitor_id, { onSuccess: onDismiss })}
        >
          Undo
        </button>
      )}
      <button type="button" className="quiet" onClick={onDismiss} aria-label="Dismiss">
        ✕
      </button>
    </div>
  );
}
