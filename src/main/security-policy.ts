/**
 * The desk window's security decisions as plain functions and data, with no Electron
 * import, so a test can check them item by item against Electron's security checklist
 * without an Electron runtime. window-security.ts wires them into Electron.
 */

/** Checklist items 2, 3, 4, 6, 8, 9, 10, 11: the window's webPreferences. */
export const WEB_PREFERENCES = {
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

/** Item 5: only the app's own page may ask for anything, and only for the camera. */
export function isAllowedPermission(permission: string, requestingUrl: string, appOrigin: string): boolean {
  return permission === 'media' && originOf(requestingUrl) === appOrigin;
}

/** Item 13: the window shows the embedded server's pages and nothing else. */
export function isAllowedNavigation(url: string, appOrigin: string): boolean {
  return originOf(url) === appOrigin;
}

/** Item 17: an IPC message is answered only when it comes from the app's own page. */
export function isTrustedSender(senderUrl: string | undefined, appOrigin: string): boolean {
  return senderUrl !== undefined && originOf(senderUrl) === appOrigin;
}
