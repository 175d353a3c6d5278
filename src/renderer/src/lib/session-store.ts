import { storedSessionSchema, type StoredSession } from '../../../shared/ipc-schemas';
import { callMain, hasBridge } from './bridge';

/**
 * Where the access token lives between launches: in Electron, with the main process
 * (encrypted with the OS keyring, or in memory only where there is none); in a plain
 * browser, in localStorage. An expired session is never handed back.
 */
const KEY = 'frontdesk.session';

export async function loadSession(): Promise<StoredSession | null> {
  const session = hasBridge() ? await callMain('session:load', undefined) : parse(localStorage.getItem(KEY));
  if (!session || session.expiry * 1000 <= Date.now()) return null;
  return session;
}

export async function saveSession(session: StoredSession): Promise<void> {
  if (hasBridge()) await callMain('session:save', session);
  else localStorage.setItem(KEY, JSON.stringify(session));
}

export async function clearSession(): Promise<void> {
  if (hasBridge()) await callMain('session:clear', undefined);
  else localStorage.removeItem(KEY);
}

/**
 * Calls `listener` when another tab of this browser signs out (the stored session goes).
 * In Electron there is one window, and the main process keeps the session: nothing to watch.
 */
export function onSessionClearedElsewhere(listener: () => void): () => void {
  if (hasBridge()) return () => undefined;
  const watch = (event: StorageEvent) => {
    if (event.key === KEY && event.newValue === null) listener();
  };
  window.addEventListener('storage', watch);
  return () => window.removeEventListener('storage', watch);
}

function parse(text: string | null): StoredSession | null {
  if (!text) return null;
  try {
    // The same rule main applies to what it stores: one schema, in src/shared.
    return storedSessionSchema.nullable().catch(null).parse(JSON.parse(text));
  } catch {
    return null; // A damaged entry is treated as signed out.
  }
}
