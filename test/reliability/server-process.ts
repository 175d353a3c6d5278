import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { StoreOf } from '../helpers/another-process';

const ENTRY = path.resolve(__dirname, '../../src/cli/index.ts');
const BUILT = path.resolve(__dirname, '../../out/main/cli.js');

export interface ServerProcess {
  url: string;
  /** The peer listener's address, when the desk belongs to a site and was asked to listen. */
  peerAddress?: string;
  child: ChildProcess;
  pid: number;
}

/**
 * The headless server as its own process, so it can be killed for real, on a desk's data
 * folder or a company server's database and photo folder: from source
 * through tsx, or `built` (out/main/cli.js, as a kiosk runs it: what the benchmarks measure).
 * `port` null leaves --port out: serve then picks its own (the data folder's last one).
 */
export async function spawnServer(
  where: string | StoreOf,
  options: { built?: boolean; port?: number | null; peerPort?: number } = {},
): Promise<ServerProcess> {
  const entry = options.built ? [BUILT] : ['--import', 'tsx', ENTRY];
  const store = typeof where === 'string' ? { dataDir: where } : where;
  // A company server's instance: its database, and the folder it shares for photos.
  const data = store.database
    ? ['--database', store.database, '--photos', store.dataDir]
    : ['--data-dir', store.dataDir];
  const port = options.port === null ? [] : ['--port', String(options.port ?? 0)];
  const peers = options.peerPort === undefined ? [] : ['--peer-port', String(options.peerPort)];
  const child = spawn(process.execPath, [...entry, 'serve', ...data, ...port, ...peers], {
    env: { ...process.env, FRONTDESK_LOG: process.env.FRONTDESK_TEST_LOG ?? 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Frontdesk listening on (\S+)/.exec(output);
      // A desk asked to listen for peers says so on the next line.
      if (match && (peers.length === 0 || /Frontdesk peers on \S+\n/.test(output))) resolve(match[1]!);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`)),
    );
  });
  const peerAddress = /Frontdesk peers on (\S+)/.exec(output)?.[1];
  return { url, child, pid: child.pid!, ...(peerAddress ? { peerAddress } : {}) };
}

export function killHard(server: ServerProcess): Promise<void> {
  return endWith(server, 'SIGKILL');
}

/** Stops the server as a kiosk shutting down would (SIGTERM), and waits for it to be gone. */
export function stopServer(server: ServerProcess): Promise<void> {
  return endWith(server, 'SIGTERM');
}

async function endWith(server: ServerProcess, signal: NodeJS.Signals): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill(signal);
  await exited;
}

/** Peak resident set size (VmHWM) of a live process, in MiB. */
export function peakRssMiB(pid: number): number {
  const kb = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return Math.round(kb / 1024);
}
