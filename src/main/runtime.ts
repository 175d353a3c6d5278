import path from 'node:path';

export interface LaunchOptions {
  kiosk: boolean;
  dataDir: string | undefined;
  /** Electron's per-user folder (session, window state), for tests and side-by-side desks. */
  userDataDir: string | undefined;
  /** Arguments that could not be used, with why: shown, never silently ignored. */
  problems: string[];
}

/**
 * `--kiosk`, `--data-dir DIR` or `--data-dir=DIR`, `--user-data-dir=DIR`, among whatever
 * else Electron and Chromium pass. A value that is missing, empty or another flag is a
 * problem, not a folder: `--data-dir --kiosk` must not keep data in a folder named
 * "--kiosk", and `--data-dir=` must not mean the working directory.
 */
export function parseLaunchArgs(argv: readonly string[], cwd = process.cwd()): LaunchOptions {
  const problems: string[] = [];
  const value = (flag: string): string | undefined => {
    const inline = argv.find((arg) => arg.startsWith(`${flag}=`));
    const index = argv.indexOf(flag);
    const raw = inline !== undefined ? inline.slice(flag.length + 1) : index >= 0 ? argv[index + 1] : undefined;
    if (inline === undefined && index < 0) return undefined;
    if (!raw || raw.startsWith('--')) {
      problems.push(`${flag} needs a folder`);
      return undefined;
    }
    return path.resolve(cwd, raw);
  };
  return {
    kiosk: argv.includes('--kiosk'),
    dataDir: value('--data-dir'),
    userDataDir: value('--user-data-dir'),
    problems,
  };
}

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Saved window bounds, if enough of the window would show on a display as it is now (a
 * monitor unplugged since, a laptop off its dock); otherwise none, and the window opens
 * centred at its default size.
 */
export function boundsOnScreen(saved: Bounds | null, workAreas: readonly Bounds[]): Bounds | null {
  if (!saved) return null;
  const MIN_VISIBLE = 100;
  const visible = workAreas.some((area) => {
    const width = Math.min(saved.x + saved.width, area.x + area.width) - Math.max(saved.x, area.x);
    const height = Math.min(saved.y + saved.height, area.y + area.height) - Math.max(saved.y, area.y);
    return width >= MIN_VISIBLE && height >= MIN_VISIBLE;
  });
  return visible ? saved : null;
}

export type LoginItemPlan =
  | { kind: 'none' }
  /** Linux: an XDG autostart entry (Electron's setLoginItemSettings does nothing there). */
  | { kind: 'xdg-autostart'; file: string; contents: string }
  /** Windows: a Run key with arguments. macOS: a login item, which takes no arguments. */
  | { kind: 'login-item'; args: string[] };

/**
 * How a packaged kiosk starts at login, on each platform, keeping --kiosk and --data-dir.
 * Development runs and tests never register anything.
 */
export function loginItemPlan(options: {
  platform: NodeJS.Platform;
  packaged: boolean;
  kiosk: boolean;
  executable: string;
  dataDir: string | undefined;
  configHome: string;
}): LoginItemPlan {
  if (!options.packaged || !options.kiosk) return { kind: 'none' };
  const args = ['--kiosk', ...(options.dataDir ? [`--data-dir=${options.dataDir}`] : [])];
  if (options.platform === 'linux') {
    const quote = (arg: string): string => `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
    const contents = [
      '[Desktop Entry]',
      'Type=Application',
      'Name=Frontdesk',
      `Exec=${[options.executable, ...args].map(quote).join(' ')}`,
      'X-GNOME-Autostart-enabled=true',
      '',
    ].join('\n');
    return { kind: 'xdg-autostart', file: path.join(options.configHome, 'autostart', 'frontdesk.desktop'), contents };
  }
  return { kind: 'login-item', args };
}
