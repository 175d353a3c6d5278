import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronAddonPath, parseLaunchArgs, sqliteBinding } from '../src/main/runtime';
import { userDataDir } from '../src/server/data-dir';

describe('the desktop runtime', () => {
  it('reads --kiosk and --data-dir in both spellings among Electron’s own arguments', () => {
    expect(parseLaunchArgs(['/opt/Frontdesk/frontdesk', '.', '--kiosk'])).toEqual({ kiosk: true, dataDir: undefined });
    expect(parseLaunchArgs(['electron', '.', '--data-dir', '/srv/desk'])).toEqual({
      kiosk: false,
      dataDir: '/srv/desk',
    });
    expect(parseLaunchArgs(['electron', '--data-dir=/srv/desk', '--no-sandbox'])).toEqual({
      kiosk: false,
      dataDir: '/srv/desk',
    });
  });

  it('loads the Node build of better-sqlite3 under Node and in a packaged app, the Electron build from a checkout', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-runtime-'));
    try {
      expect(sqliteBinding({ root, electronVersion: undefined, packaged: false })).toBeUndefined();
      expect(sqliteBinding({ root, electronVersion: '45.5.0', packaged: false })).toBeUndefined(); // not built yet
      const addon = electronAddonPath(root, '45.5.0');
      fs.mkdirSync(path.dirname(addon), { recursive: true });
      fs.writeFileSync(addon, '');
      expect(sqliteBinding({ root, electronVersion: '45.5.0', packaged: false })).toBe(addon);
      expect(sqliteBinding({ root, electronVersion: '45.5.0', packaged: true })).toBeUndefined();
      expect(sqliteBinding({ root, electronVersion: '46.0.0', packaged: false })).toBeUndefined(); // another ABI
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
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
    win: { target: string[] };
    mac: { target: string[] };
  };

  it('builds AppImage and .deb, NSIS and dmg under one app id and product name', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.productName).toBe('Frontdesk');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(fs.existsSync(path.resolve(__dirname, '..', config.linux.icon))).toBe(true);
  });

  it('rebuilds native modules for Electron and keeps them outside the asar archive', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.files).toContain('out/**');
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
