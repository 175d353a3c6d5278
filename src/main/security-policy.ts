/**
 * The desk window's security decisions as plain functions and data, with no Electron
 * import, so a test can check them item by item against Electron's security checklist
 * without an Electron runtime. window-security.ts wires them into Electron.
 */

/**
 * The desk window's session, by a name without the `persist:` prefix: Electron then keeps
 * its HTTP cache, cookies and storage in memory only (API contract Part 2, Privacy).
 * Photos are served cacheable for a year; in the default session Chromium would write
 * them to a disk cache under the per-user folder, outside the data folder, where neither
 * retention nor erasure reaches. What the desk keeps between launches goes through main:
 * the session (keyring) and the desk's preferences.
 */
export const DESK_PARTITION = 'frontdesk-desk';

/** Checklist items 2, 3, 4, 6, 8, 9, 10, 11: the window's webPreferences. */
export const WEB_PREFERENCES = {
  partition: DESK_PARTITION,
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const;

export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? null : parsed.origin;
  } catch {
    return null;
  }
}

/**
 * Item 5: only the app's own page may ask for anything, and only for the camera. Electron
 * reports camera and microphone alike as `media`: a request that names its media types
 * must ask for video alone (the desk never records sound).
 */
export function isAllowedPermission(
  permission: string,
  requestingUrl: string,
  appOrigin: string,
  mediaTypes?: readonly string[],
): boolean {
  if (permission !== 'media' || originOf(requestingUrl) !== appOrigin) return false;
  return mediaTypes === undefined || (mediaTypes.length > 0 && mediaTypes.every((type) => type === 'video'));
}

/**
 * Where the session may be kept between launches. Only a real OS keyring protects a token
 * at rest: Linux without one falls back to `basic_text`, a key hard-coded in Chromium.
 */
export function sessionPersistence(store: { encryptionAvailable: boolean; backend: string }): 'keyring' | 'memory' {
  if (!store.encryptionAvailable) return 'memory';
  return store.backend === 'basic_text' || store.backend === 'unknown' ? 'memory' : 'keyring';
}

/** Item 13: the window shows the embedded server's pages and nothing else. */
export function isAllowedNavigation(url: string, appOrigin: string): boolean {
  return originOf(url) === appOrigin;
}

/** Item 17: an IPC message is answered only when it comes from the app's own page. */
export function isTrustedSender(senderUrl: string | undefined, appOrigin: string): boolean {
  return senderUrl !== undefined && originOf(senderUrl) === appOrigin;
}
