import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLaunchArgs } from '../src/main/runtime';
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

  it('packages the Node-API addon as installed (it runs unchanged under Electron), outside the asar archive', () => {
    expect(config.npmRebuild).toBe(false);
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
