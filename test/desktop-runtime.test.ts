import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundsOnScreen, loginItemPlan, parseLaunchArgs } from '../src/main/runtime';
import { userDataDir } from '../src/server/data-dir';

describe('the desktop runtime', () => {
  it('reads --kiosk, --data-dir and --user-data-dir in both spellings among Electron’s own arguments', () => {
    expect(parseLaunchArgs(['/opt/Frontdesk/frontdesk', '.', '--kiosk'], '/home/desk')).toEqual({
      kiosk: true,
      dataDir: undefined,
      userDataDir: undefined,
      problems: [],
    });
    expect(parseLaunchArgs(['electron', '.', '--data-dir', '/srv/desk'], '/home/desk')).toMatchObject({
      dataDir: '/srv/desk',
      problems: [],
    });
    expect(
      parseLaunchArgs(['electron', '--data-dir=desk-data', '--user-data-dir=/tmp/u', '--no-sandbox'], '/home/desk'),
    ).toMatchObject({ kiosk: false, dataDir: '/home/desk/desk-data', userDataDir: '/tmp/u', problems: [] });
  });

  it('never takes another flag, or nothing, for a folder', () => {
    expect(parseLaunchArgs(['electron', '--data-dir', '--kiosk'], '/home/desk')).toEqual({
      kiosk: true,
      dataDir: undefined,
      userDataDir: undefined,
      problems: ['--data-dir needs a folder'],
    });
    expect(parseLaunchArgs(['electron', '--data-dir='], '/home/desk')).toMatchObject({
      dataDir: undefined,
      problems: ['--data-dir needs a folder'],
    });
    expect(parseLaunchArgs(['electron', '--data-dir'], '/home/desk').problems).toEqual(['--data-dir needs a folder']);
  });

  it('restores saved window bounds only when the window would show on a display', () => {
    const laptop = { x: 0, y: 0, width: 1366, height: 740 };
    const saved = { x: 1500, y: 100, width: 1200, height: 800 };
    expect(boundsOnScreen(saved, [laptop, { x: 1366, y: 0, width: 1920, height: 1050 }])).toEqual(saved);
    expect(boundsOnScreen(saved, [laptop])).toBeNull(); // the second monitor is gone
    expect(boundsOnScreen({ x: 1300, y: 700, width: 800, height: 600 }, [laptop])).toBeNull(); // a sliver shows
    expect(boundsOnScreen(null, [laptop])).toBeNull();
  });

  it('starts a packaged kiosk at login on every platform, keeping its flags, and never in development', () => {
    const base = { packaged: true, kiosk: true, executable: '/opt/Frontdesk/frontdesk', dataDir: '/srv/desk' };
    const linux = loginItemPlan({ ...base, platform: 'linux', configHome: '/home/desk/.config' });
    expect(linux).toMatchObject({ kind: 'xdg-autostart', file: '/home/desk/.config/autostart/frontdesk.desktop' });
    expect(linux.kind === 'xdg-autostart' && linux.contents).toContain(
      'Exec="/opt/Frontdesk/frontdesk" "--kiosk" "--data-dir=/srv/desk"',
    );
    expect(loginItemPlan({ ...base, platform: 'win32', configHome: '' })).toEqual({
      kind: 'login-item',
      args: ['--kiosk', '--data-dir=/srv/desk'],
    });
    expect(loginItemPlan({ ...base, packaged: false, platform: 'linux', configHome: '/x' })).toEqual({ kind: 'none' });
    expect(loginItemPlan({ ...base, kiosk: false, platform: 'win32', configHome: '' })).toEqual({ kind: 'none' });
    const odd = loginItemPlan({ ...base, dataDir: '/srv/a "b" $c', platform: 'linux', configHome: '/x' });
    expect(odd.kind === 'xdg-autostart' && odd.contents).toContain('"--data-dir=/srv/a \\"b\\" \\$c"');
  });

  it('loads better-sqlite3 from its Node-API prebuild, laid out as in a packaged app, with nothing compiled', () => {
    const installed = path.dirname(require.resolve('better-sqlite3/package.json'));
    // npm's implicit node-gyp step is denied (allowScripts): no build of ours may exist.
    expect(fs.existsSync(path.join(installed, 'build'))).toBe(false);
    const unpacked = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-asar-unpacked-'));
    try {
      // electron-builder keeps **/*.node outside the asar archive; the package's JavaScript
      // resolves its prebuild next to it, as it does in resources/app.asar.unpacked.
      const target = path.join(unpacked, 'node_modules', 'better-sqlite3');
      for (const part of ['package.json', 'lib', 'prebuilds']) {
        fs.cpSync(path.join(installed, part), path.join(target, part), { recursive: true });
      }
      const script = `
        const Database = require(${JSON.stringify(target)});
        const db = new Database(':memory:');
        const addon = Object.keys(require.cache).find((file) => file.endsWith('.node'));
        console.log(JSON.stringify({ addon, version: db.prepare('select sqlite_version() v').get().v }));`;
      const output = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as {
        addon: string;
        version: string;
      };
      expect(output.version).toMatch(/^3\.\d+\.\d+$/);
      expect(path.relative(target, output.addon)).toBe(
        path.join('prebuilds', `${process.platform}-${process.arch}.node`),
      );
    } finally {
      fs.rmSync(unpacked, { recursive: true, force: true });
    }
  });

  it('keeps data in the same per-user folder Electron names, on every platform', () => {
    expect(userDataDir('linux', { XDG_CONFIG_HOME: '/home/desk/.config' })).toBe('/home/desk/.config/Frontdesk');
    expect(userDataDir('win32', { APPDATA: 'C:\\Users\\desk\\AppData\\Roaming' })).toContain('Frontdesk');
    expect(userDataDir('darwin', {})).toContain(path.join('Library', 'Application Support', 'Frontdesk'));
  });
});

describe('the installer configuration', () => {
  const config = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../electron-builder.json'), 'utf8')) as {
    appId: string;
    productName: string;
    files: string[];
    asarUnpack: string[];
    npmRebuild: boolean;
    electronFuses: Record<string, boolean>;
    linux: { target: string[]; icon: string };
    deb: { depends: string[] };
    win: { target: string[] };
    mac: { target: string[]; hardenedRuntime: boolean; entitlements: string; extendInfo: Record<string, string> };
  };

  it('builds AppImage and .deb, NSIS and dmg under one app id and product name', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.productName).toBe('Frontdesk');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(fs.existsSync(path.resolve(__dirname, '..', config.linux.icon))).toBe(true);
  });

  it('packages the Node-API addon as installed (it runs unchanged under Electron), outside the asar archive', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.files).toContain('out/**');
  });

  it('keeps what the desk needs at run time: the keyring library, the camera on macOS, the window icon', () => {
    expect(config.deb.depends).toContain('libsecret-1-0');
    expect(config.mac.hardenedRuntime).toBe(true);
    const entitlements = fs.readFileSync(path.resolve(__dirname, '..', config.mac.entitlements), 'utf8');
    expect(entitlements).toMatch(/<key>com\.apple\.security\.device\.camera<\/key>\s*<true\/>/);
    expect(config.mac.extendInfo.NSCameraUsageDescription).toBeTruthy();
    // Every file main resolves from its own folder at run time must be inside the package.
    const main = fs.readFileSync(path.resolve(__dirname, '../src/main/desk.ts'), 'utf8');
    const resolved = [...main.matchAll(/path\.join\(mainDir, '([^']+)'\)/g)].map((match) =>
      path.posix.join('out/main', match[1]!),
    );
    expect(resolved.length).toBeGreaterThanOrEqual(3);
    for (const file of resolved) {
      expect([
        file,
        config.files.some((glob) => glob === file || (glob.endsWith('/**') && file.startsWith(glob.slice(0, -2)))),
      ]).toEqual([file, true]);
      if (!file.startsWith('out/')) expect(fs.existsSync(path.resolve(__dirname, '..', file))).toBe(true);
    }
  });

  it('flips the fuses that turn a packaged app into a general Node runtime off', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });
});
