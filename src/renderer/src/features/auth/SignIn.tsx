import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { StoredSession } from '../../../../shared/ipc';
import type { SetupStatusResponse, TokenResponse } from '../../../../shared/api-types';
import {
  PASSWORD_MIN,
  PASSWORD_RULE_TEXT,
  USERNAME_MAX,
  USERNAME_RULE,
  USERNAME_RULE_TEXT,
} from '../../../../shared/credentials';
import { ApiRequestError, apiJson } from '../../lib/api';
import { textField } from '../../lib/form';
import { JoinSite } from '../site/JoinSite';

/**
 * Sign-in, or on the first start of an empty data folder, the creation of the first
 * staff account (which then signs straight in).
 */
export function SignIn({ onSignedIn }: { onSignedIn: (session: StoredSession) => Promise<void> }) {
  const [firstRun, setFirstRun] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // A new desk may join a site instead of making its first account.
  const [joining, setJoining] = useState(false);
  const [joinedSite, setJoinedSite] = useState(false);
  const [waitingForSite, setWaitingForSite] = useState(false);
  const joined = useCallback(() => {
    setJoining(false);
    setJoinedSite(true);
    setFirstRun(false);
  }, []);

  useEffect(() => {
    apiJson<SetupStatusResponse>('/v1/oauth/setup')
      .then((status) => {
        setFirstRun(status.data.needs_first_user);
        // Joined a site, its accounts still on their way (the screen was reloaded meanwhile).
        if (status.data.joining_site) {
          setWaitingForSite(true);
          setJoining(true);
        }
      })
      .catch(() => setFirstRun(false));
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const username = textField(form, 'username').trim();
    const password = textField(form, 'password');
    if (firstRun && password !== textField(form, 'confirm')) {
      setError('The two passwords differ.');
      return;
    }
    if (firstRun && (!USERNAME_RULE.test(username) || password.length < PASSWORD_MIN)) {
      setError(USERNAME_RULE.test(username) ? PASSWORD_RULE_TEXT : USERNAME_RULE_TEXT);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const credentials = new URLSearchParams({ username, password, 'device-info': 'Frontdesk desk' });
      if (firstRun) await apiJson('/v1/oauth/setup', { method: 'POST', body: credentials });
      const { data } = await apiJson<TokenResponse>('/v1/oauth/', { method: 'POST', body: credentials });
      await onSignedIn({ token: data.access_token, expiry: data.expiry, username });
    } catch (caught) {
      setError(caught instanceof ApiRequestError ? caught.message : 'Sign-in failed.');
      setBusy(false);
    }
  }

  if (firstRun === null) return <div className="splash" aria-busy="true" />;
  if (joining) {
    return (
      <main className="sign-in">
        <div className="sign-in-card">
          <h1>
            <span className="brand-mark" aria-hidden="true" />
            Join a site
          </h1>
          <JoinSite joinedAlready={waitingForSite} onJoined={joined} onBack={() => setJoining(false)} />
        </div>
      </main>
    );
  }
  return (
    <main className="sign-in">
      <form className="sign-in-card" onSubmit={(event) => void submit(event)} aria-describedby="sign-in-error">
        <h1>
          <span className="brand-mark" aria-hidden="true" />
          Frontdesk
        </h1>
        <p className="hint">
          {firstRun
            ? 'Create the first staff account for this desk.'
            : joinedSite
              ? 'This desk joined the site: sign in with your account there.'
              : 'Staff sign-in'}
        </p>
        <label>
          Username
          <input name="username" autoComplete="username" required autoFocus maxLength={USERNAME_MAX} />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={firstRun ? 'new-password' : 'current-password'}
            required
            minLength={firstRun ? PASSWORD_MIN : 1}
          />
        </label>
        {firstRun && (
          <label>
            Repeat password
            <input name="confirm" type="password" autoComplete="new-password" required minLength={PASSWORD_MIN} />
          </label>
        )}
        <p id="sign-in-error" className="form-error" role="alert">
          {error}
        </p>
        <button className="primary" type="submit" disabled={busy}>
          {firstRun ? 'Create account and sign in' : 'Sign in'}
        </button>
        {firstRun && (
          <button type="button" className="link" onClick={() => setJoining(true)}>
            Or join a site: this desk is another entrance of a site that has a desk already
          </button>
        )}
      </form>
    </main>
  );
}
