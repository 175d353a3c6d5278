import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';

/**
 * Every security setting of the desk window in one place, so a test can check them item
 * by item against Electron's security checklist.
 */
export function secureWebPreferences(preload: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload,
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
  };
}

/** Only the embedded server's own origin may be shown, and only it may use the camera. */
export function lockDownSession(session: Session, appOrigin: string): void {
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const origin = safeOrigin(details.requestingUrl);
    callback(permission === 'media' && origin === appOrigin && webContents.getURL().startsWith(appOrigin));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin) => {
    return permission === 'media' && safeOrigin(requestingOrigin) === appOrigin;
  });
}

export function lockDownNavigation(contents: WebContents, appOrigin: string): void {
  contents.on('will-navigate', (event, url) => {
    if (safeOrigin(url) !== appOrigin) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (safeOrigin(url) !== appOrigin) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function safeOrigin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
