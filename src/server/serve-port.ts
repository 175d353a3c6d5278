import fs from 'node:fs';
import path from 'node:path';
import { OWNER_ONLY_FILE } from './file-modes';

/**
 * The port `serve` listens on when none is given: the one it had last time for this data
 * folder, else this one. A browser tab keeps working across restarts (its address stays),
 * and its per-origin storage (the session, the desk's preferences) stays with it.
 */
export const DEFAULT_SERVE_PORT = 4780;
const PORT_FILE = 'serve-port';

export function rememberedPort(dataDir: string): number {
  try {
    const port = Number(fs.readFileSync(path.join(dataDir, PORT_FILE), 'utf8').trim());
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : DEFAULT_SERVE_PORT;
  } catch {
    return DEFAULT_SERVE_PORT;
  }
}

export function rememberPort(dataDir: string, port: number): void {
  fs.writeFileSync(path.join(dataDir, PORT_FILE), `${port}\n`, { mode: OWNER_ONLY_FILE });
}

/**
 * Starts on the remembered port; only when another program holds it, on a free one, which
 * is then remembered for next time.
 */
export async function startOnStablePort<T extends { port: number }>(
  dataDir: string,
  start: (port: number) => Promise<T>,
): Promise<T> {
  let server: T;
  try {
    server = await start(rememberedPort(dataDir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    server = await start(0);
  }
  rememberPort(dataDir, server.port);
  return server;
}
