import type { ReactNode } from 'react';
import { FormError } from '../../lib/FormError';

/**
 * The foot of a settings form: what went wrong, "Saved." once the saved values are shown, and
 * the buttons (Save enabled only with something to save; `undo` puts the saved values back).
 */
export function SaveActions({
  error,
  saved,
  dirty,
  pending,
  undo,
  children,
}: {
  error: Error | null;
  /** The last save succeeded. */
  saved: boolean;
  dirty: boolean;
  pending: boolean;
  undo?: (() => void) | undefined;
  /** The submit button's words. */
  children: ReactNode;
}) {
  return (
    <>
      <FormError error={error} />
      {saved && !dirty && (
        <p className="saved" role="status">
          Saved.
        </p>
      )}
      <div className="dialog-actions">
        <span className="spacer" />
        {undo && (
          <button type="button" disabled={!dirty} onClick={undo}>
            Undo changes
          </button>
        )}
        <button type="submit" className="primary" disabled={!dirty || pending}>
          {children}
        </button>
      </div>
    </>
  );
}
