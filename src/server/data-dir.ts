import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'Frontdesk';

/**
 * The platform's per-user application folder, the same one Electron's
 * `app.getPath('userData')` names, so the desktop app and the headless server find the
 * same data when neither is told otherwise.
 */
export function userDataDir(platform: NodeJS.Platform = process.platform, env = process.env): string {
  switch (platform) {
    case 'win32':
      return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), APP_NAME);
    case 'darwin':
      return path.join(os.homedir(), 'Library', 'Application Support', APP_NAME);
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), APP_NAME);
  }
}

/** Where the database and photos live inside the user's application folder. */
export function defaultDataDir(): string {
  return path.join(userDataDir(), 'data');
}
