/**
 * The whole surface the renderer may use from the Electron side, and nothing more.
 * Browser mode has no bridge; the renderer falls back to browser storage.
 */
export interface StoredSession {
  token: string;
  /** UNIX seconds, as /v1/oauth/ answers. */
  expiry: number;
  username: string;
}

export interface FrontdeskBridge {
  session: {
    load(): Promise<StoredSession | null>;
    save(session: StoredSession): Promise<void>;
    clear(): Promise<void>;
  };
  /** Where the database and photos live, to show staff. */
  dataDir(): Promise<string>;
  /** Whether the desk runs as a kiosk (full screen, closed only by staff). */
  kiosk(): Promise<boolean>;
  /** Closes a kiosk after checking a staff account; false when the credentials are wrong. */
  quit(credentials: { username: string; password: string }): Promise<boolean>;
}

/** Channel names, shared by preload and main so they cannot drift. */
export const IPC = {
  sessionLoad: 'session:load',
  sessionSave: 'session:save',
  sessionClear: 'session:clear',
  dataDir: 'app:data-dir',
  kiosk: 'app:kiosk',
  quit: 'app:quit',
} as const;

declare global {
  interface Window {
    frontdesk?: FrontdeskBridge;
  }
}
