import fs from 'node:fs';
import path from 'node:path';

/**
 * better-sqlite3 is a native addon, built per runtime ABI. Plain Node (tests, the
 * headless server) loads the build npm made in node_modules; an Electron run from a
 * development checkout loads a separate Electron build kept beside it, so neither ever
 * overwrites the other. A packaged app has its addon rebuilt for Electron by
 * electron-builder and needs nothing here.
 */
export const ELECTRON_ADDON_DIR = path.join('node_modules', '.frontdesk-electron');

export function electronAddonPath(root: string, electronVersion: string): string {
  return path.join(root, ELECTRON_ADDON_DIR, `better_sqlite3-electron-${electronVersion}.node`);
}

/** The addon to load: undefined means better-sqlite3's own lookup (right for Node and for packaged apps). */
export function sqliteBinding(options: {
  root: string;
  electronVersion: string | undefined;
  packaged: boolean;
}): string | undefined {
  if (!options.electronVersion || options.packaged) return undefined;
  const candidate = electronAddonPath(options.root, options.electronVersion);
  return fs.existsSync(candidate) ? candidate : undefined;
}

export interface LaunchOptions {
  kiosk: boolean;
  dataDir: string | undefined;
}

/** `--kiosk`, `--data-dir DIR` and `--data-dir=DIR`, among whatever else Electron passes. */
export function parseLaunchArgs(argv: readonly string[]): LaunchOptions {
  const index = argv.indexOf('--data-dir');
  const inline = argv.find((arg) => arg.startsWith('--data-dir='));
  return {
    kiosk: argv.includes('--kiosk'),
    dataDir: index >= 0 ? argv[index + 1] : inline?.slice('--data-dir='.length),
  };
}
