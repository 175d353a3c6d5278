import type { DeskPrefs, PrintBadge, PrinterInfo, QuitCredentials, StoredSession } from './ipc-schemas';

export type { DeskPrefs, PrintBadge, PrinterInfo, QuitCredentials, StoredSession };

/**
 * The contract between the renderer and Electron's main process: one map of channels to
 * their argument and answer. Main's handlers and the preload bridge are both typed from
 * it (Actual Budget's handler map), and every answer crosses as a result value, never as
 * a thrown error that IPC would flatten into "Error invoking remote method".
 *
 * No runtime import here: the sandboxed preload bundles this file and may require
 * nothing but 'electron'. The schemas that check arguments live in ipc-schemas.ts.
 */

export interface IpcContract {
  'session:load': { arg: undefined; value: StoredSession | null };
  'session:save': { arg: StoredSession; value: undefined };
  'session:clear': { arg: undefined; value: undefined };
  /** Where the database and photos live, to show staff. */
  'app:data-dir': { arg: undefined; value: string };
  /** Whether the desk runs as a kiosk (full screen, closed only by staff). */
  'app:kiosk': { arg: undefined; value: boolean };
  /** Closes a kiosk after checking a staff account. */
  'app:quit': { arg: QuitCredentials; value: undefined };
  /** This desk's preferences (the log's density), kept between launches. */
  'prefs:load': { arg: undefined; value: DeskPrefs };
  'prefs:save': { arg: DeskPrefs; value: undefined };
  /** The printers this computer knows, for the desk's choice of a label printer. */
  'print:printers': { arg: undefined; value: PrinterInfo[] };
  /** Prints the window's badge (its print root) on the desk's label printer, or with the dialog. */
  'print:badge': { arg: PrintBadge; value: undefined };
}

export type IpcChannel = keyof IpcContract;
export const IPC_CHANNELS = [
  'session:load',
  'session:save',
  'session:clear',
  'app:data-dir',
  'app:kiosk',
  'app:quit',
  'prefs:load',
  'prefs:save',
  'print:printers',
  'print:badge',
] as const satisfies readonly IpcChannel[];

export interface IpcError {
  /** A contract code (`1142`: wrong credentials or too many attempts), or `invalid`, `untrusted`, `internal`. */
  code: string;
  message: string;
}
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/**
 * Main's side: each handler receives its argument as `unknown` (the renderer is not
 * trusted, so every handler validates) and answers the contract's value.
 */
export type IpcHandlers = {
  [C in IpcChannel]: (arg: unknown) => IpcContract[C]['value'] | Promise<IpcContract[C]['value']>;
};

/** The renderer's side: the one function the preload exposes. */
export interface FrontdeskBridge {
  invoke<C extends IpcChannel>(channel: C, arg: IpcContract[C]['arg']): Promise<IpcResult<IpcContract[C]['value']>>;
}

declare global {
  interface Window {
    frontdesk?: FrontdeskBridge;
  }
}
