/** A problem to show under a form or in a dialog, announced to screen readers; nothing when there is none. */
export function FormError({ error }: { error: Error | string | null | undefined }) {
  const message = typeof error === 'string' ? error : error?.message;
  return message ? (
    <p className="form-error" role="alert">
      {message}
    </p>
  ) : null;
}
