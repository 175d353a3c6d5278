import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { meQuery } from '../../queries/admin';
import { useSession } from '../../app/session';
import { Dialog } from '../../lib/Dialog';
import { callMain, hasBridge } from '../../lib/bridge';
import { textField } from '../../lib/form';
import { BadgePrefs } from '../badge/BadgePrefs';
import { FormError } from '../../lib/FormError';

/**
 * Who is signed in, where this desk keeps its data, sign-out, and on a kiosk the only
 * way to close it: a staff sign-in.
 */
export function DeskMenu({ onAdmin }: { onAdmin?: (() => void) | undefined }) {
  const session = useSession();
  // In a browser the data folder is the server's: /v1/me says where.
  const me = useQuery(meQuery(session.token));
  const [open, setOpen] = useState(false);
  const [info, setInfo] = useState<{ dataDir: string; kiosk: boolean } | null>(null);
  const [closing, setClosing] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!hasBridge()) return;
    void Promise.all([callMain('app:data-dir', undefined), callMain('app:kiosk', undefined)]).then(([dataDir, kiosk]) =>
      setInfo({ dataDir, kiosk }),
    );
  }, []);

  async function closeKiosk(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      await callMain('app:quit', { username: textField(form, 'username'), password: textField(form, 'password') });
    } catch (problem) {
      // "Wrong username or password." or "Too many failed sign-ins. Try again in 30 s.": main's own words.
      setError(problem instanceof Error ? problem.message : String(problem));
    }
  }

  return (
    <>
      <button type="button" className="quiet" onClick={() => setOpen(true)}>
        {session.username}
      </button>
      {open && (
        <Dialog title="This desk" onClose={() => setOpen(false)} className="confirm">
          <dl className="viewer-details">
            <dt>Signed in</dt>
            <dd>{session.username}</dd>
            <dt>Data folder</dt>
            <dd>
              {info?.dataDir ??
                (me.data ? `${me.data.data_dir}, on the computer running Frontdesk at ${location.host}` : '…')}
            </dd>
          </dl>
          <BadgePrefs />
          {closing && (
            <form className="fields kiosk-close" onSubmit={(event) => void closeKiosk(event)}>
              <label>
                Staff username
                <input name="username" autoComplete="username" required />
              </label>
              <label>
                Password
                <input name="password" type="password" autoComplete="current-password" required />
              </label>
              <FormError error={error} />
              <button type="submit" className="primary danger">
                Close Frontdesk
              </button>
            </form>
          )}
          <div className="dialog-actions">
            {onAdmin && (
              <button
                type="button"
                onClick={() => {
                  setOpen(false);
                  onAdmin();
                }}
              >
                Administration
              </button>
            )}
            {info?.kiosk && !closing && (
              <button type="button" onClick={() => setClosing(true)}>
                Close the kiosk…
              </button>
            )}
            <span className="spacer" />
            <button type="button" onClick={session.signOut}>
              Sign out
            </button>
            <button type="button" className="primary" onClick={() => setOpen(false)} autoFocus>
              Done
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}
