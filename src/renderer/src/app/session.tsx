import { createContext, useContext } from 'react';
import type { StoredSession } from '../../../shared/ipc';

export interface Session extends StoredSession {
  /** Signs out at the desk's request: the token is revoked. */
  signOut: () => void;
  /** The server ended the session (signed out elsewhere, account deactivated): back to sign-in, faces gone. */
  ended: () => void;
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in session; only rendered below the sign-in gate, so it is always there. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in desk');
  return session;
}
