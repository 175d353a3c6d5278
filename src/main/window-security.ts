import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { isAllowedNavigation, isAllowedPermission, WEB_PREFERENCES } from './security-policy';

export function secureWebPreferences(preload: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return { ...WEB_PREFERENCES, preload };
}

/** Only the embedded server's own origin may use the camera; every other request is refused. */
export function lockDownSession(session: Session, appOrigin: string): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
    callback(isAllowedPermission(permission, details.requestingUrl, appOrigin, mediaTypes));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) =>
    isAllowedPermission(permission, requestingOrigin, appOrigin, details.mediaType ? [details.mediaType] : undefined),
  );
}

/** No navigation away, no redirects away, no webviews, no new windows (checklist items 12–14). */
export function lockDownNavigation(contents: WebContents, appOrigin: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, appOrigin)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url, appOrigin)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
