import type { IpcChannel, IpcContract } from '../../../shared/ipc';

/** A refusal from the main process, with its code (`1142`, `invalid`, …) and words to show. */
export class BridgeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Whether the desk runs in Electron (with the bridge) or in a plain browser. */
export const hasBridge = (): boolean => window.frontdesk !== undefined;

/** One call to the main process; its refusal becomes a thrown BridgeError, as React Query expects. */
export async function callMain<C extends IpcChannel>(
  channel: C,
  arg: IpcContract[C]['arg'],
): Promise<IpcContract[C]['value']> {
  const bridge = window.frontdesk;
  if (!bridge) throw new BridgeError('internal', 'This desk runs in a browser, without the desktop app.');
  const result = await bridge.invoke(channel, arg);
  if (!result.ok) throw new BridgeError(result.error.code, result.error.message);
  return result.value;
}
