import type { StoredSession } from '../../../preload/api';

/**
 * Where the access token lives between launches: in Electron, encrypted by the main
 * process with the OS keychain (safeStorage); in a plain browser, in localStorage.
 * An expired session is never handed back.
 */
const KEY = 'frontdesk.session';

export async function loadSession(): Promise<StoredSession | null> {
  const session = window.frontdesk ? await window.frontdesk.session.load() : parse(localStorage.getItem(KEY));
  if (!session || session.expiry * 1000 <= Date.now()) return null;
  return session;
}

export async function saveSession(session: StoredSession): Promise<void> {
  if (window.frontdesk) await window.frontdesk.session.save(session);
  else localStorage.setItem(KEY, JSON.stringify(session));
}

export async function clearSession(): Promise<void> {
  if (window.frontdesk) await window.frontdesk.session.clear();
  else localStorage.removeItem(KEY);
}

function parse(text: string | null): StoredSession | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<StoredSession>;
    if (typeof value.token === 'string' && typeof value.expiry === 'number' && typeof value.username === 'string') {
      return { token: value.token, expiry: value.expiry, username: value.username };
    }
  } catch {
    // A damaged entry is treated as signed out.
  }
  return null;
}
