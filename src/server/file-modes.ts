import fs from 'node:fs';

/**
 * Faces, names, mobiles and password hashes are for the kiosk's user alone, whatever the
 * umask or an existing folder's mode. Frontdesk sets modes explicitly rather than relying
 * on the process umask, which the Electron main process shares with everything else.
 */
export const OWNER_ONLY_FILE = 0o600;
export const OWNER_ONLY_DIR = 0o700;

/** Creates the file empty if missing (SQLite would create it 0644), and makes it 0600. */
export function createOwnerOnlyFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', OWNER_ONLY_FILE));
  fs.chmodSync(file, OWNER_ONLY_FILE);
}

/** Creates the folder if missing and makes it 0700, even if it existed with another mode. */
export function createOwnerOnlyDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: OWNER_ONLY_DIR });
  fs.chmodSync(dir, OWNER_ONLY_DIR);
}
