import { ipcMain, safeStorage } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { IPC, type StoredSession } from '../preload/api';

const storedSessionSchema = z.object({
  token: z.string().min(20).max(200),
  expiry: z.number().int().positive(),
  username: z.string().min(1).max(64),
});

/**
 * Keeps the desk's session between launches, encrypted with the OS keychain
 * (safeStorage). Where no keychain is available the session is not persisted at all:
 * staff sign in again rather than leave a usable token in a plain file.
 */
export function registerSessionStore(userDataDir: string): void {
  const file = path.join(userDataDir, 'session.bin');

  ipcMain.handle(IPC.sessionLoad, (): StoredSession | null => {
    if (!safeStorage.isEncryptionAvailable() || !fs.existsSync(file)) return null;
    try {
      const parsed = storedSessionSchema.safeParse(JSON.parse(safeStorage.decryptString(fs.readFileSync(file))));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  });

  ipcMain.handle(IPC.sessionSave, (_event, value: unknown) => {
    const session = storedSessionSchema.parse(value);
    if (!safeStorage.isEncryptionAvailable()) return;
    fs.writeFileSync(file, safeStorage.encryptString(JSON.stringify(session)), { mode: 0o600 });
  });

  ipcMain.handle(IPC.sessionClear, () => {
    fs.rmSync(file, { force: true });
  });
}
