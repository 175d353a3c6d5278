import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/server/api-error';
import { IPC_CHANNELS, type IpcResult } from '../src/shared/ipc';

/**
 * main's IPC layer with Electron's two modules replaced by stand-ins that behave as
 * Electron documents them: ipcMain.handle records handlers, safeStorage "encrypts" and
 * reports a storage backend. No Electron runtime can be downloaded here; the handlers
 * themselves are the real ones.
 */
const electron = vi.hoisted(() => ({
  handlers: new Map<string, (event: unknown, arg: unknown) => Promise<unknown>>(),
  backend: 'gnome_libsecret',
  available: true,
}));

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: (event: unknown, arg: unknown) => Promise<unknown>) =>
      electron.handlers.set(channel, handler),
  },
  safeStorage: {
    isEncryptionAvailable: () => electron.available,
    getSelectedStorageBackend: () => electron.backend,
    encryptString: (text: string) => Buffer.from(`sealed:${text}`),
    decryptString: (bytes: Buffer) => bytes.toString().replace(/^sealed:/, ''),
  },
}));

const { registerIpc } = await import('../src/main/ipc');

const APP = 'http://127.0.0.1:4321';
const SESSION = { token: 'x'.repeat(43), expiry: 2_000_000_000, username: 'reception' };
const trusted = { senderFrame: { url: `${APP}/` } };
const untrusted = { senderFrame: { url: 'https://evil.example/' } };

describe('the IPC handlers of the main process', () => {
  let userDataDir: string;
  let quit = vi.fn<(username: string, password: string) => Promise<void>>();
  const call = (channel: string, arg: unknown, event: unknown = trusted) =>
    electron.handlers.get(channel)!(event, arg) as Promise<IpcResult<unknown>>;

  beforeEach(() => {
    electron.handlers.clear();
    electron.backend = 'gnome_libsecret';
    electron.available = true;
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-ipc-'));
    quit = vi.fn(async () => undefined);
    registerIpc({
      deskContents: () => undefined,
      userDataDir,
      dataDir: '/srv/desk',
      appOrigin: APP,
      kiosk: true,
      quitWithCredentials: quit,
    });
  });
  afterEach(() => fs.rmSync(userDataDir, { recursive: true, force: true }));

  it('answers every channel of the contract, and only those', () => {
    expect([...electron.handlers.keys()].sort()).toEqual([...IPC_CHANNELS].sort());
  });

  it('refuses every channel to a frame that is not the app, without running the handler', async () => {
    for (const channel of IPC_CHANNELS) {
      const arg =
        channel === 'session:save' ? SESSION : channel === 'app:quit' ? { username: 'a', password: 'b' } : undefined;
      expect(await call(channel, arg, untrusted)).toMatchObject({ ok: false, error: { code: 'untrusted' } });
      expect(await call(channel, arg, {})).toMatchObject({ ok: false, error: { code: 'untrusted' } });
    }
    expect(fs.readdirSync(userDataDir)).toEqual([]);
    expect(quit).not.toHaveBeenCalled();
  });

  it('keeps the session encrypted on disk where a real keyring exists', async () => {
    expect(await call('session:save', SESSION)).toEqual({ ok: true, value: undefined });
    const file = path.join(userDataDir, 'session.bin');
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    expect(await call('session:load', undefined)).toEqual({ ok: true, value: SESSION });
  });

  it('keeps the session in memory only on basic_text, Chromium’s hard-coded key', async () => {
    electron.backend = 'basic_text';
    expect(await call('session:save', SESSION)).toEqual({ ok: true, value: undefined });
    expect(fs.readdirSync(userDataDir)).toEqual([]);
    expect(await call('session:load', undefined)).toEqual({ ok: true, value: SESSION });
    expect(await call('session:clear', undefined)).toEqual({ ok: true, value: undefined });
    expect(await call('session:load', undefined)).toEqual({ ok: true, value: null });
  });

  it('refuses a malformed argument as invalid, and stores nothing', async () => {
    expect(await call('session:save', { token: 'short' })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await call('app:quit', { username: '' })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(fs.readdirSync(userDataDir)).toEqual([]);
  });

  it('tells the kiosk-close dialog why it was refused: wrong password or too many attempts', async () => {
    quit.mockRejectedValueOnce(new ApiError('1142'));
    expect(await call('app:quit', { username: 'reception', password: 'nope' })).toEqual({
      ok: false,
      error: { code: '1142', message: 'Wrong username or password.' },
    });
    quit.mockRejectedValueOnce(new ApiError('1142', 'Too many failed sign-ins. Try again in 30 s.', { status: 429 }));
    const throttled = await call('app:quit', { username: 'reception', password: 'nope' });
    expect(throttled).toMatchObject({ ok: false, error: { message: 'Too many failed sign-ins. Try again in 30 s.' } });
  });

  it('answers the data folder and kiosk mode', async () => {
    expect(await call('app:data-dir', undefined)).toEqual({ ok: true, value: '/srv/desk' });
    expect(await call('app:kiosk', undefined)).toEqual({ ok: true, value: true });
  });

  it('keeps the desk’s preferences in the per-user folder, dropping values it does not know', async () => {
    expect(await call('prefs:load', undefined)).toEqual({ ok: true, value: {} });
    expect(await call('prefs:save', { density: 'list' })).toEqual({ ok: true, value: undefined });
    expect(await call('prefs:load', undefined)).toEqual({ ok: true, value: { density: 'list' } });
    expect(await call('prefs:save', { density: 'list', printer: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    });
    fs.writeFileSync(path.join(userDataDir, 'desk-prefs.json'), '{"density":"huge"}');
    expect(await call('prefs:load', undefined)).toEqual({ ok: true, value: {} });
  });
});
