import { _electron as electron, expect, test } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findElectronBinary } from '../src/main/electron-binary';
import { makeImage } from '../test/helpers/images';
import { ROOT } from './paths';

/**
 * The real desktop app, driven through Playwright's Electron support. It needs the
 * Electron runtime, which a locked-down network cannot download: there the spec is
 * skipped and says why, rather than pretending.
 */
const binary = findElectronBinary(ROOT);
const skipReason = 'missing' in binary ? `Electron specs skipped: ${binary.missing}.` : null;

test.describe('the Electron app', () => {
  test.skip(skipReason !== null, skipReason ?? '');

  test('opens on first-run set-up, keeps the renderer away from Node, and cannot be navigated away', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-electron-'));
    const app = await electron.launch({
      executablePath: 'path' in binary ? binary.path : undefined,
      // Its own per-user folder: never the session, window state or instance lock of a live desk.
      args: [ROOT, '--data-dir', dataDir, `--user-data-dir=${path.join(dataDir, 'electron')}`, '--no-sandbox'],
    });
    try {
      const desk = await app.firstWindow();
      await expect(desk.getByText('Create the first staff account for this desk.')).toBeVisible();
      const surface = await desk.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        bridge: Object.keys(window.frontdesk ?? {}).sort(),
      }));
      expect(surface).toEqual({
        require: 'undefined',
        process: 'undefined',
        bridge: ['invoke'],
      });
      expect(await desk.evaluate(() => window.frontdesk!.invoke('app:data-dir', undefined))).toEqual({
        ok: true,
        value: dataDir,
      });

      const before = desk.url();
      await desk.evaluate(() => {
        window.location.href = 'https://example.com/';
      });
      // Had the navigation gone ahead, this round trip would fail with a destroyed context.
      expect(await desk.evaluate(() => document.title)).toBe('Frontdesk');
      expect(desk.url()).toBe(before);
      await desk.evaluate(() => window.open('https://example.com/'));
      expect(app.windows()).toHaveLength(1);
    } finally {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('kiosk mode: full screen, no menu, and closing takes a staff sign-in', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-kiosk-'));
    const app = await electron.launch({
      executablePath: 'path' in binary ? binary.path : undefined,
      args: [
        ROOT,
        '--data-dir',
        dataDir,
        `--user-data-dir=${path.join(dataDir, 'electron')}`,
        '--kiosk',
        '--no-sandbox',
      ],
    });
    try {
      const desk = await app.firstWindow();
      await desk.getByLabel('Username').fill('kiosk-admin');
      await desk.getByLabel('Password', { exact: true }).fill('kiosk password 1');
      await desk.getByLabel('Repeat password').fill('kiosk password 1');
      await desk.getByRole('button', { name: 'Create account and sign in' }).click();
      await expect(desk.getByRole('button', { name: /On site now/ })).toBeVisible();
      const state = await app.evaluate(({ BrowserWindow, Menu }) => {
        const window = BrowserWindow.getAllWindows()[0]!;
        return { kiosk: window.isKiosk(), menu: Menu.getApplicationMenu() === null };
      });
      expect(state).toEqual({ kiosk: true, menu: true });
      await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
      expect(app.windows()).toHaveLength(1);
      const refused = await desk.evaluate(() =>
        window.frontdesk!.invoke('app:quit', { username: 'kiosk-admin', password: 'wrong' }),
      );
      expect(refused).toMatchObject({ ok: false, error: { code: '1142' } });
      expect(app.windows()).toHaveLength(1);
      const closed = app.waitForEvent('close');
      await desk.evaluate(() =>
        window.frontdesk!.invoke('app:quit', { username: 'kiosk-admin', password: 'kiosk password 1' }),
      );
      await closed;
    } finally {
      await app.close().catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('keeps no visitor photo on disk outside the data folder, and the desk’s preferences between launches', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-privacy-'));
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-userdata-'));
    const launch = () =>
      electron.launch({
        executablePath: 'path' in binary ? binary.path : undefined,
        args: [ROOT, '--data-dir', dataDir, `--user-data-dir=${userDataDir}`, '--no-sandbox'],
      });
    const photo = await makeImage('jpeg', 640, 480, 11);
    let app = await launch();
    try {
      const desk = await app.firstWindow();
      await desk.getByLabel('Username').fill('privacy-admin');
      await desk.getByLabel('Password', { exact: true }).fill('privacy password 1');
      await desk.getByLabel('Repeat password').fill('privacy password 1');
      await desk.getByRole('button', { name: 'Create account and sign in' }).click();
      await expect(desk.getByRole('button', { name: /On site now/ })).toBeVisible();
      await desk.getByRole('radio', { name: 'List' }).click();
      // A visitor with a photo, opened in full (the request Chromium would cache on disk).
      await desk.getByRole('button', { name: '+ Check in visitor' }).click();
      const dialog = desk.getByRole('dialog', { name: 'Check in a visitor' });
      await dialog.getByLabel('Full name').fill('Cached Face');
      await dialog.getByLabel('Card number').fill('77');
      await dialog.getByLabel('Mobile').fill('+447700900777');
      await dialog.getByLabel('Purpose').fill('Meeting');
      await dialog.getByRole('button', { name: 'File' }).click();
      const file = path.join(dataDir, '..', `frontdesk-face-${process.pid}.jpg`);
      fs.writeFileSync(file, photo);
      await dialog.locator('input[type="file"]').setInputFiles(file);
      await dialog.getByRole('button', { name: 'Check in', exact: true }).click();
      await desk.locator('.card').first().click();
      await expect(desk.locator('.viewer img.full')).toBeVisible();
    } finally {
      await app.close();
    }
    // Nothing under Electron's per-user folder holds the photo or its thumbnail.
    const head = photo.subarray(photo.length - 64);
    const holders = (fs.readdirSync(userDataDir, { recursive: true }) as string[])
      .map((rel) => path.join(userDataDir, rel))
      .filter((p) => fs.statSync(p).isFile() && fs.readFileSync(p).includes(head));
    expect(holders).toEqual([]);
    expect(fs.existsSync(path.join(userDataDir, 'Partitions', 'frontdesk-desk'))).toBe(false);

    app = await launch();
    try {
      const desk = await app.firstWindow();
      await expect(desk.getByRole('radio', { name: 'List' })).toHaveAttribute('aria-checked', 'true');
    } finally {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  });
});
