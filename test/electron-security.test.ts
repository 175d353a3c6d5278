import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isAllowedNavigation,
  isAllowedPermission,
  sessionPersistence,
  isTrustedSender,
  DESK_PARTITION,
  WEB_PREFERENCES,
} from '../src/main/security-policy';
import { CONTENT_SECURITY_POLICY } from '../src/server/http/security-headers';

/**
 * Electron's security checklist, item by item, for the parts that are our decisions.
 * The Electron e2e spec checks the same from inside a running app where one exists.
 */
const APP = 'http://127.0.0.1:41234';
const source = (file: string): string => fs.readFileSync(path.resolve(__dirname, '..', file), 'utf8');

describe("Electron's security checklist", () => {
  it('keeps the desk window’s cache and storage in memory: no face in a disk cache outside the data folder', () => {
    // A partition name with the "persist:" prefix would be kept on disk under the per-user folder.
    expect(WEB_PREFERENCES.partition).toBe(DESK_PARTITION);
    expect(DESK_PARTITION.startsWith('persist:')).toBe(false);
  });

  it('2–4: no Node.js in the renderer, context isolation and the sandbox on', () => {
    expect(WEB_PREFERENCES).toMatchObject({
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      contextIsolation: true,
      sandbox: true,
    });
  });

  it('5: permissions only for the camera, and only for the app itself', () => {
    expect(isAllowedPermission('media', `${APP}/`, APP)).toBe(true);
    for (const permission of ['geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid', 'serial']) {
      expect(isAllowedPermission(permission, `${APP}/`, APP)).toBe(false);
    }
    for (const url of [
      'https://evil.example/',
      'http://127.0.0.1:41235/',
      'file:///etc/passwd',
      'data:text/html,x',
      '',
    ]) {
      expect(isAllowedPermission('media', url, APP)).toBe(false);
    }
    // The camera, never the microphone: a media request must ask for video alone.
    expect(isAllowedPermission('media', `${APP}/`, APP, ['video'])).toBe(true);
    expect(isAllowedPermission('media', `${APP}/`, APP, ['audio'])).toBe(false);
    expect(isAllowedPermission('media', `${APP}/`, APP, ['video', 'audio'])).toBe(false);
    expect(isAllowedPermission('media', `${APP}/`, APP, [])).toBe(false);
  });

  it('keeps a session on disk only behind a real keyring, never behind basic_text', () => {
    expect(sessionPersistence({ encryptionAvailable: true, backend: 'gnome_libsecret' })).toBe('keyring');
    expect(sessionPersistence({ encryptionAvailable: true, backend: 'kwallet5' })).toBe('keyring');
    expect(sessionPersistence({ encryptionAvailable: true, backend: 'os' })).toBe('keyring');
    expect(sessionPersistence({ encryptionAvailable: true, backend: 'basic_text' })).toBe('memory');
    expect(sessionPersistence({ encryptionAvailable: true, backend: 'unknown' })).toBe('memory');
    expect(sessionPersistence({ encryptionAvailable: false, backend: 'gnome_libsecret' })).toBe('memory');
  });

  it('6, 8, 9, 10: web security on, no insecure content, no experimental or Blink features', () => {
    expect(WEB_PREFERENCES).toMatchObject({
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
    });
    expect(WEB_PREFERENCES).not.toHaveProperty('enableBlinkFeatures');
  });

  it('7: a Content-Security-Policy that allows only our own scripts', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    // Only WebAssembly may be compiled ('wasm-unsafe-eval'): never JavaScript from text.
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
  });

  it('11–12: no <webview>', () => {
    expect(WEB_PREFERENCES.webviewTag).toBe(false);
    expect(source('src/main/window-security.ts')).toContain("'will-attach-webview'");
  });

  it('13: navigation only within the app', () => {
    expect(isAllowedNavigation(`${APP}/anything`, APP)).toBe(true);
    for (const url of [
      'https://evil.example/',
      'http://localhost:41234/',
      'file:///',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(isAllowedNavigation(url, APP)).toBe(false);
    }
  });

  it('14–15: new windows denied, and no shell.openExternal anywhere', () => {
    expect(source('src/main/window-security.ts')).toContain("setWindowOpenHandler(() => ({ action: 'deny' }))");
    expect(source('src/main/desk.ts')).toContain("setWindowOpenHandler(() => ({ action: 'deny' }))");
    for (const file of fs.readdirSync(path.resolve(__dirname, '../src/main'))) {
      expect(source(`src/main/${file}`)).not.toContain('openExternal(');
    }
  });

  it('17: IPC answered only for the app’s own frames', () => {
    expect(isTrustedSender(`${APP}/`, APP)).toBe(true);
    expect(isTrustedSender('https://evil.example/', APP)).toBe(false);
    expect(isTrustedSender(undefined, APP)).toBe(false);
    expect(source('src/main/ipc.ts')).not.toMatch(/ipcMain\.handle\(IPC\./);
  });

  it('18: the window never loads file:// pages', () => {
    expect(source('src/main/desk.ts')).not.toContain('loadFile(');
    expect(source('src/main/desk.ts')).not.toContain('file://');
  });

  it('20: the preload exposes the typed bridge and nothing else', () => {
    const preload = source('src/preload/index.ts');
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toContain('satisfies FrontdeskBridge');
    expect(preload).not.toMatch(/ipcRenderer\.(on|send)\b/);
  });
});
