import { contextBridge, ipcRenderer } from 'electron';
import { IPC, type FrontdeskBridge, type StoredSession } from './api';

/** The typed bridge: each method is one IPC call whose argument main validates again. */
const bridge = {
  session: {
    load: () => ipcRenderer.invoke(IPC.sessionLoad) as Promise<StoredSession | null>,
    save: (session: StoredSession) => ipcRenderer.invoke(IPC.sessionSave, session) as Promise<void>,
    clear: () => ipcRenderer.invoke(IPC.sessionClear) as Promise<void>,
  },
  dataDir: () => ipcRenderer.invoke(IPC.dataDir) as Promise<string>,
  kiosk: () => ipcRenderer.invoke(IPC.kiosk) as Promise<boolean>,
  quit: (credentials: { username: string; password: string }) =>
    ipcRenderer.invoke(IPC.quit, credentials) as Promise<boolean>,
} satisfies FrontdeskBridge;

contextBridge.exposeInMainWorld('frontdesk', bridge);
