import { QueryClientProvider } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { StoredSession } from '../../../shared/ipc';
import { apiJson } from '../lib/api';
import { clearSession, loadSession, onSessionClearedElsewhere, saveSession } from '../lib/session-store';
import { SignIn } from '../features/auth/SignIn';
import { Desk } from './Desk';
import { createQueryClient } from './query-client';
import { SessionContext } from './session';

type Gate = { state: 'loading' } | { state: 'signed-out' } | { state: 'signed-in'; session: StoredSession };

export function App() {
  const [gate, setGate] = useState<Gate>({ state: 'loading' });

  const signOut = useCallback((revoke: boolean) => {
    setGate((current) => {
      if (revoke && current.state === 'signed-in') {
        // Best effort: the token is forgotten here even if the server cannot be told.
        void apiJson('/v1/oauth/revoke', { method: 'POST', token: current.session.token }).catch(() => undefined);
      }
      return { state: 'signed-out' };
    });
    void clearSession();
  }, []);

  const queryClient = useMemo(() => createQueryClient(() => signOut(false)), [signOut]);

  useEffect(() => {
    void loadSession().then((session) => setGate(session ? { state: 'signed-in', session } : { state: 'signed-out' }));
  }, []);

  const onSignedIn = useCallback(async (session: StoredSession) => {
    await saveSession(session);
    setGate({ state: 'signed-in', session });
  }, []);

  const session = useMemo(
    () =>
      gate.state === 'signed-in'
        ? { ...gate.session, signOut: () => signOut(true), ended: () => signOut(false) }
        : null,
    [gate, signOut],
  );

  useEffect(() => onSessionClearedElsewhere(() => signOut(false)), [signOut]);

  useEffect(() => {
    // Every name and face goes with the session, before the sign-in screen shows.
    if (gate.state === 'signed-out') queryClient.clear();
  }, [gate.state, queryClient]);

  if (gate.state === 'loading') return <div className="splash" aria-busy="true" />;
  if (!session) return <SignIn onSignedIn={onSignedIn} />;
  return (
    <QueryClientProvider client={queryClient}>
      <SessionContext.Provider value={session}>
        <Desk />
      </SessionContext.Provider>
    </QueryClientProvider>
  );
}
