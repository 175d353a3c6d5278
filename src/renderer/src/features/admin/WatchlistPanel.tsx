import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { WATCH_NAME_MAX, WATCH_REASON_MAX } from '../../../../shared/watchlist';
import { useSession } from '../../app/session';
import { FormError } from '../../lib/FormError';
import { textField } from '../../lib/form';
import { useAddWatchEntry, useRemoveWatchEntry, watchlistQuery } from '../../queries/checkin-flows';

/**
 * Administration → Watchlist: people who must not be let in without a word. Reception never
 * sees this list; a check-in that matches an entry shows them its reason alone.
 */
export function WatchlistPanel() {
  const { token } = useSession();
  const entries = useQuery(watchlistQuery(token));
  const add = useAddWatchEntry(token);
  const remove = useRemoveWatchEntry(token);
  const [removing, setRemoving] = useState<number | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    add.mutate(
      {
        name: textField(data, 'name'),
        mobile: textField(data, 'mobile') || null,
        email: textField(data, 'email') || null,
        reason: textField(data, 'reason'),
      },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <div className="admin-panel watchlist">
      <form className="admin-add" onSubmit={submit} aria-label="Add to the watchlist">
        <h2>Add to the watchlist</h2>
        <label>
          Name
          <input name="name" required maxLength={WATCH_NAME_MAX} autoComplete="off" />
        </label>
        <label>
          Mobile (optional)
          <input name="mobile" type="tel" autoComplete="off" />
        </label>
        <label>
          E-mail (optional)
          <input name="email" type="email" autoComplete="off" />
        </label>
        <label>
          Reason (shown to reception when the person is stopped)
          <textarea name="reason" required maxLength={WATCH_REASON_MAX} rows={2} />
        </label>
        <button type="submit" className="primary" disabled={add.isPending}>
          Add entry
        </button>
        <FormError error={add.error} />
        <p className="hint">
          A check-in is stopped when the name matches, whatever its letter case, accents, punctuation or spaces, or when
          the mobile number has the same digits. Another spelling, a nickname or the names in another order are not
          caught.
        </p>
      </form>
      <section aria-labelledby="watchlist-title">
        <h2 id="watchlist-title">Watchlist</h2>
        <FormError error={entries.error ?? remove.error} />
        {entries.data?.length === 0 && <p className="hint">Nobody is on the watchlist.</p>}
        <table className="admin-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Mobile</th>
              <th>E-mail</th>
              <th>Reason</th>
              <th>Added</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(entries.data ?? []).map((entry) => (
              <tr key={entry.entry_id}>
                <td>{entry.name}</td>
                <td>{entry.mobile ?? '—'}</td>
                <td>{entry.email ?? '—'}</td>
                <td>{entry.reason}</td>
                <td>{entry.time.slice(0, 10)}</td>
                <td className="actions">
                  {removing === entry.entry_id ? (
                    <>
                      <button
                        type="button"
                        className="danger"
                        onClick={() => remove.mutate(entry.entry_id, { onSettled: () => setRemoving(null) })}
                      >
                        Remove for good
                      </button>
                      <button type="button" onClick={() => setRemoving(null)}>
                        Keep
                      </button>
                    </>
                  ) : (
                    <button type="button" onClick={() => setRemoving(entry.entry_id)}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
