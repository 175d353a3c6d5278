import { deskPrefsSchema, type DeskPrefs } from '../../../shared/ipc-schemas';
import { callMain, hasBridge } from './bridge';

/**
 * This desk's preferences: in Electron with the main process (the window's own storage is
 * in memory only, so it would forget them at every start), in a plain browser in
 * localStorage. Read and checked by the same schema on both sides.
 */
const KEY = 'frontdesk.prefs';

export async function loadDeskPrefs(): Promise<DeskPrefs> {
  if (hasBridge()) return callMain('prefs:load', undefined);
  try {
    return deskPrefsSchema.parse(JSON.parse(localStorage.getItem(KEY) ?? '{}'));
  } catch {
    return {};
  }
}

/** Merges a change into what is kept. */
export async function saveDeskPrefs(change: DeskPrefs): Promise<void> {
  const next = { ...(await loadDeskPrefs()), ...change };
  if (hasBridge()) await callMain('prefs:save', next);
  else localStorage.setItem(KEY, JSON.stringify(next));
}
