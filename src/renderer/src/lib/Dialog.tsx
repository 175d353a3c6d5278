import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

/**
 * A modal built on <dialog>: the browser traps focus, makes the page behind it inert
 * and gives Escape for free; focus returns to whatever opened it.
 */
export function Dialog({
  title,
  onClose,
  className,
  children,
  onKeyDown,
}: {
  title: string;
  onClose: () => void;
  className?: string;
  children: ReactNode;
  onKeyDown?: (event: React.KeyboardEvent<HTMLDialogElement>) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // Read while rendering, before React focuses a child marked autoFocus.
  const [opener] = useState(() => document.activeElement as HTMLElement | null);
  useEffect(() => {
    const dialog = ref.current;
    // React has already focused the child marked autoFocus; showModal would move focus to
    // the first button (Cancel): the intended one gets it back.
    const chosen = dialog?.contains(document.activeElement) ? (document.activeElement as HTMLElement) : null;
    dialog?.showModal();
    chosen?.focus();
    return () => {
      dialog?.close();
      opener?.focus();
    };
  }, [opener]);
  return (
    <dialog
      ref={ref}
      className={`dialog ${className ?? ''}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        // A dialog opened from a dialog (a "discard?" question): Escape answers it alone,
        // not the one beneath as well (React passes the event up its own tree).
        event.stopPropagation();
        onClose();
      }}
      onKeyDown={onKeyDown}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}

/** The foot of a dialog's form: Cancel, then the form's submit button (disabled while it is sent). */
export function FormActions({
  onCancel,
  cancel = 'Cancel',
  submit,
  busy = false,
  disabled = false,
  className = 'primary',
}: {
  onCancel: () => void;
  /** What the way out says, where "Cancel" would not (e.g. "Keep for now"). */
  cancel?: ReactNode;
  submit: ReactNode;
  busy?: boolean;
  disabled?: boolean;
  className?: string;
}) {
  return (
    <div className="dialog-actions">
      <span className="spacer" />
      <button type="button" onClick={onCancel}>
        {cancel}
      </button>
      <button type="submit" className={className} disabled={busy || disabled}>
        {submit}
      </button>
    </div>
  );
}

/** The foot of a dialog that only informs: one button that closes it, focused. */
export function CloseActions({ onClose, label = 'Close' }: { onClose: () => void; label?: string }) {
  return (
    <div className="dialog-actions">
      <span className="spacer" />
      <button type="button" className="primary" onClick={onClose} autoFocus>
        {label}
      </button>
    </div>
  );
}
