import { useState } from 'react';
import { WATCHLIST_NOTE_MAX } from '../../../../shared/watchlist';
import { Dialog } from '../../lib/Dialog';

/**
 * A check-in the watchlist stopped (2451): the reason, for the receptionist alone; nothing
 * was stored. An admin may let the person in with a note, which the audit trail keeps.
 */
export function WatchlistStop({
  message,
  isAdmin,
  onOverride,
  onClose,
}: {
  message: string;
  isAdmin: boolean;
  onOverride: (note: string) => void;
  onClose: () => void;
}) {
  const [note, setNote] = useState('');
  return (
    <Dialog title="Stop: this person is on the watchlist" onClose={onClose} className="confirm watchlist-stop">
      <p className="watchlist-reason" role="alert">
        {message}
      </p>
      <p className="hint">Nothing was stored. Do not let them in without a word with security or an administrator.</p>
      {isAdmin ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (note.trim()) onOverride(note.trim());
          }}
        >
          <label>
            Let them in anyway: why (kept in the audit trail)
            <textarea
              value={note}
              maxLength={WATCHLIST_NOTE_MAX}
              onChange={(event) => setNote(event.target.value)}
              rows={2}
            />
          </label>
          <div className="dialog-actions">
            <span className="spacer" />
            <button type="button" className="primary" onClick={onClose} autoFocus>
              Do not check in
            </button>
            <button type="submit" className="danger" disabled={!note.trim()}>
              Let in anyway
            </button>
          </div>
        </form>
      ) : (
        <>
          <p>Only an administrator can let this person in.</p>
          <div className="dialog-actions">
            <span className="spacer" />
            <button type="button" className="primary" onClick={onClose} autoFocus>
              Close
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
