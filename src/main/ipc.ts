import { ipcMain, safeStorage, type IpcMainInvokeEvent } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { IPC, type StoredSession } from '../preload/api';
import { isTrustedSender } from './security-policy';

const storedSessionSchema = z.object({
  token: z.string().min(20).max(200),
  expiry: z.number().int().positive(),
  username: z.string().min(1).max(64),
});

/**
 * Every IPC handler of the main process, each answering only the app's own page
 * (checklist item 17) and validating its argument again.
 *
 * The session is kept between launches, encrypted with the OS keychain
 * (safeStorage). Where no keychain is available the session is not persisted at all:
 * staff sign in again rather than leave a usable token in a plain file.
 */
const quitSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) });

export function registerIpc(options: {
  userDataDir: string;
  dataDir: string;
  appOrigin: string;
  kiosk: boolean;
  quitWithCredentials: (username: string, password: string) => Promise<void>;
}): void {
  const { userDataDir, dataDir, appOrigin } = options;
  const file = path.join(userDataDir, 'session.bin');
  const handle = <T>(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => T): void => {
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      if (!isTrustedSender(event.senderFrame?.url, appOrigin)) throw new Error('IPC from an untrusted frame');
      return listener(event, ...args);
    });
  };

  handle(IPC.sessionLoad, (): StoredSession | null => {
    if (!safeStorage.isEncryptionAvailable() || !fs.existsSync(file)) return null;
    try {
      const parsed = storedSessionSchema.safeParse(JSON.parse(safeStorage.decryptString(fs.readFileSync(file))));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  });

  handle(IPC.sessionSave, (_event, value: unknown) => {
    const session = storedSessionSchema.parse(value);
    if (!safeStorage.isEncryptionAvailable()) return;
    fs.writeFileSync(file, safeStorage.encryptString(JSON.stringify(session)), { mode: 0o600 });
  });

  handle(IPC.sessionClear, () => {
    fs.rmSync(file, { force: true });
  });

  handle(IPC.dataDir, () => dataDir);
  handle(IPC.kiosk, () => options.kiosk);
  handle(IPC.quit, async (_event, value: unknown) => {
    const { username, password } = quitSchema.parse(value);
    try {
      await options.quitWithCredentials(username, password);
      return true;
    } catch {
      return false;
    }
  });
}
