import { ipcMain, safeStorage, type WebContents } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { ZodError } from 'zod';
import { IPC_CHANNELS, type IpcError, type IpcHandlers, type IpcResult } from '../shared/ipc';
import {
  deskPrefsSchema,
  printBadgeSchema,
  quitCredentialsSchema,
  storedSessionSchema,
  type DeskPrefs,
} from '../shared/ipc-schemas';
import { badgePrintOptions, PrintError, printFailure } from './printing';
import { isTrustedSender, sessionPersistence } from './security-policy';

export interface IpcOptions {
  /** The desk window's contents: what badges are printed from. */
  deskContents: () => WebContents | undefined;
  userDataDir: string;
  dataDir: string;
  appOrigin: string;
  kiosk: boolean;
  quitWithCredentials: (username: string, password: string) => Promise<void>;
}

/**
 * The main process's answer to each channel of the shared contract.
 *
 * The session is kept between launches only where safeStorage encrypts with a real OS
 * keyring. On Linux without one, Electron falls back to `basic_text`, a key hard-coded
 * in Chromium: a file "encrypted" that way is a usable token in the clear, so the
 * session then lives in memory only and staff sign in again after a restart.
 */
export function ipcHandlers(options: IpcOptions): IpcHandlers {
  const file = path.join(options.userDataDir, 'session.bin');
  const prefsFile = path.join(options.userDataDir, 'desk-prefs.json');
  const readPrefs = (): DeskPrefs => {
    try {
      return deskPrefsSchema.parse(JSON.parse(fs.readFileSync(prefsFile, 'utf8')));
    } catch {
      return {};
    }
  };
  let inMemory: unknown = null;
  const persist = (): boolean =>
    sessionPersistence({
      encryptionAvailable: safeStorage.isEncryptionAvailable(),
      backend: process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os',
    }) === 'keyring';

  return {
    'session:load': () => {
      if (!persist()) return storedSessionSchema.nullable().catch(null).parse(inMemory);
      if (!fs.existsSync(file)) return null;
      try {
        return storedSessionSchema.parse(JSON.parse(safeStorage.decryptString(fs.readFileSync(file))));
      } catch {
        return null;
      }
    },
    'session:save': (arg) => {
      const session = storedSessionSchema.parse(arg);
      if (!persist()) {
        inMemory = session;
        return undefined;
      }
      fs.writeFileSync(file, safeStorage.encryptString(JSON.stringify(session)), { mode: 0o600 });
      return undefined;
    },
    'session:clear': () => {
      inMemory = null;
      fs.rmSync(file, { force: true });
      return undefined;
    },
    'app:data-dir': () => options.dataDir,
    'app:kiosk': () => options.kiosk,
    'app:quit': async (arg) => {
      const { username, password } = quitCredentialsSchema.parse(arg);
      await options.quitWithCredentials(username, password);
      return undefined;
    },
    'prefs:load': () => readPrefs(),
    'print:printers': async () => {
      const contents = options.deskContents();
      if (!contents) return [];
      return (await contents.getPrintersAsync()).map((printer) => ({
        name: printer.name,
        displayName: printer.displayName || printer.name,
        description: printer.description,
      }));
    },
    'print:badge': async (arg) => {
      const { size } = printBadgeSchema.parse(arg);
      const contents = options.deskContents();
      if (!contents) throw new Error('The desk window is closed.');
      const printer = readPrefs().badgePrinter;
      if (printer && !(await contents.getPrintersAsync()).some((known) => known.name === printer)) {
        throw new PrintError(`The printer “${printer}” is not connected to this computer.`);
      }
      await new Promise<void>((resolve, reject) => {
        try {
          contents.print(badgePrintOptions(size, printer), (success, failureReason) => {
            if (success) resolve();
            else reject(new PrintError(printFailure(failureReason)));
          });
        } catch (error) {
          // Options refused before printing starts (Electron throws rather than calling back).
          reject(new PrintError(printFailure(error instanceof Error ? error.message : String(error))));
        }
      });
      return undefined;
    },
    'prefs:save': (arg) => {
      const prefs = deskPrefsSchema.strict().parse(arg);
      fs.writeFileSync(prefsFile, JSON.stringify(prefs), { mode: 0o600 });
      return undefined;
    },
  };
}

/** What crosses back when a handler fails: a code the renderer can act on and words it can show. */
export function toIpcError(error: unknown): IpcError {
  if (error instanceof ZodError) return { code: 'invalid', message: 'The request to the desk was malformed.' };
  if (error instanceof PrintError) return { code: 'print', message: error.message };
  const code = (error as { code?: unknown } | null)?.code;
  // The server's own errors (ApiError) carry a contract code and a message meant for people.
  if (typeof code === 'string' && /^\d{4}$/.test(code) && error instanceof Error) {
    return { code, message: error.message };
  }
  return { code: 'internal', message: 'The desk could not do that.' };
}

/** Answers every channel, only for the app's own frames (checklist item 17), always as a result value. */
export function registerIpc(options: IpcOptions): void {
  const handlers = ipcHandlers(options);
  for (const channel of IPC_CHANNELS) {
    ipcMain.handle(channel, async (event, arg: unknown): Promise<IpcResult<unknown>> => {
      if (!isTrustedSender(event.senderFrame?.url, options.appOrigin)) {
        return { ok: false, error: { code: 'untrusted', message: 'IPC from an untrusted frame.' } };
      }
      try {
        return { ok: true, value: await handlers[channel](arg) };
      } catch (error) {
        return { ok: false, error: toIpcError(error) };
      }
    });
  }
}
