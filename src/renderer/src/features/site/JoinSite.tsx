import { useEffect, useState, type FormEvent } from 'react';
import type { SetupStatusResponse } from '../../../../shared/api-types';
import type { SiteStatusResponse } from '../../../../shared/site';
import { ApiRequestError, apiJson } from '../../lib/api';
import { FormError } from '../../lib/FormError';
import { textField } from '../../lib/form';
import { ListenFields, listenFrom } from './ListenFields';

/** How often a desk that joined asks whether the site's accounts have arrived. */
const ACCOUNTS_POLL_MS = 1000;
/** After this long without them, the screen says what may be wrong. */
const ACCOUNTS_LATE_MS = 30_000;

/**
 * "Join a site" on a new desk's first-run screen (API contract Part 3): the inviting desk's
 * address and the code it showed, this desk's name and where it listens. Once joined, the
 * site's staff accounts arrive within seconds, and staff sign in with them.
 */
export function JoinSite({
  joinedAlready,
  onJoined,
  onBack,
}: {
  /** The desk joined before this screen opened (it was reloaded while the accounts were on their way). */
  joinedAlready: boolean;
  onJoined: () => void;
  onBack: () => void;
}) {
  const [hosts, setHosts] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [joined, setJoined] = useState(joinedAlready);
  const [late, setLate] = useState(false);

  useEffect(() => {
    if (joinedAlready) return;
    apiJson<SiteStatusResponse>('/v1/oauth/setup/site')
      .then((status) => setHosts(status.data.peer_hosts))
      .catch(() => setHosts(['127.0.0.1']));
  }, [joinedAlready]);

  // Joined: the accounts come with the site's first changes.
  useEffect(() => {
    if (!joined) return undefined;
    const timer = setInterval(() => {
      apiJson<SetupStatusResponse>('/v1/oauth/setup')
        .then((status) => {
          if (!status.data.needs_first_user) onJoined();
        })
        .catch(() => undefined);
    }, ACCOUNTS_POLL_MS);
    const lateTimer = setTimeout(() => setLate(true), ACCOUNTS_LATE_MS);
    return () => {
      clearInterval(timer);
      clearTimeout(lateTimer);
    };
  }, [joined, onJoined]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    setBusy(true);
    try {
      await apiJson('/v1/oauth/setup/join', {
        method: 'POST',
        json: {
          peer: textField(form, 'peer').trim(),
          code: textField(form, 'code').trim(),
          desk_name: textField(form, 'desk-name').trim(),
          listen: listenFrom(form),
        },
      });
      setJoined(true);
    } catch (caught) {
      setError(caught instanceof ApiRequestError ? caught.message : 'Joining failed.');
    } finally {
      setBusy(false);
    }
  }

  if (joined) {
    return (
      <div className="join-site" role="status" aria-busy="true">
        <p className="hint">Joined. Fetching the site’s staff accounts…</p>
        {late && (
          <p className="form-error">
            Still waiting: the accounts come from the desk this one joined. Is it on, and can this computer reach it on
            the network?
          </p>
        )}
      </div>
    );
  }
  if (!hosts) return <p className="hint">Loading…</p>;
  return (
    <form className="join-site" onSubmit={(event) => void submit(event)} aria-label="Join a site">
      <p className="hint">
        On a desk of the site, an administrator chooses Administration → Site → Add a desk: it shows an address and a
        code.
      </p>
      <label>
        Address of that desk
        <input name="peer" required placeholder="https://192.168.1.20:4443" autoFocus />
      </label>
      <label>
        Code
        <input name="code" required autoComplete="off" spellCheck={false} placeholder="XXXX-XXXX-…" />
      </label>
      <label>
        This desk
        <input name="desk-name" required maxLength={100} placeholder="Side door" />
      </label>
      <ListenFields hosts={hosts} />
      <FormError error={error} />
      <button className="primary" type="submit" disabled={busy}>
        {busy ? 'Joining…' : 'Join the site'}
      </button>
      <button type="button" className="link" onClick={onBack}>
        Back: create the first account instead
      </button>
    </form>
  );
}
