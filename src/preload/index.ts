import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CHANNELS, type FrontdeskBridge, type IpcChannel } from '../shared/ipc';

const known = new Set<string>(IPC_CHANNELS);

/**
 * The typed bridge and nothing more: one call per channel of the shared contract, whose
 * argument main validates again. A channel outside the contract is refused here.
 */
const bridge = {
  invoke: (channel: IpcChannel, arg: unknown) =>
    known.has(channel)
      ? ipcRenderer.invoke(channel, arg)
      : Promise.resolve({ ok: false, error: { code: 'invalid', message: `No such channel ${channel}.` } }),
} satisfies FrontdeskBridge;

contextBridge.exposeInMainWorld('frontdesk', bridge);
