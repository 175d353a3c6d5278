import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StoreOf } from '../test/helpers/another-process';

export const ROOT = path.resolve(__dirname, '..');
export const CLI = path.join(ROOT, 'out/main/cli.js');

/** The value below which the fraction q of values lie, between the two nearest where it falls between. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  if (below === at) return sorted[below]!;
  return sorted[below]! + (sorted[below + 1]! - sorted[below]!) * (at - below);
}

export const median = (values: number[]): number => quantile(values, 0.5);

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** The first and third quartiles: the middle half of the values lies between them. */
export function middleHalf(values: number[], digits: number): [number, number] {
  return [round(quantile(values, 0.25), digits), round(quantile(values, 0.75), digits)];
}

/**
 * A figure against its floor, measured side by side round after round: the median of the
 * rounds' own ratios, and their middle half. Each round's pair shares the machine's moment;
 * this virtual machine's speed drifts by 10–20 % from one minute to the next, which a ratio
 * of two medians taken minutes apart would carry whole.
 */
export interface PairedRatio {
  ratio: number;
  ratio_middle_half: [number, number];
}

export function pairedRatio(values: number[], floors: number[]): PairedRatio {
  if (values.length === 0 || values.length !== floors.length) {
    throw new Error(`a paired ratio needs one floor per figure: ${values.length} figures, ${floors.length} floors`);
  }
  const ratios = values.map((value, i) => value / floors[i]!);
  return { ratio: round(median(ratios)), ratio_middle_half: middleHalf(ratios, 2) };
}

/**
 * The order of `items` in a round of a bench: rotated by one every other round, and reversed
 * in odd rounds, so that over an even number of rounds each of two items goes before the
 * other in exactly half of them, whatever the group's size.
 */
export function balancedOrder<T>(items: readonly T[], round: number): T[] {
  const shift = Math.floor(round / 2) % items.length;
  const rotated = [...items.slice(shift), ...items.slice(0, shift)];
  return round % 2 === 1 ? rotated.reverse() : rotated;
}

const created: string[] = [];

/** A scratch folder for one part of the run; all of them are removed when the run ends. */
export function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `frontdesk-bench-${label}-`));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Peak resident set size so far (VmHWM), in MiB. */
  peakRssMiB(): number;
  /** What it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Under load the servers measured run on the first core and the load generator on the
 * second, so that neither takes the other's time, the same for Frontdesk and its floors.
 * A machine with one core runs them unpinned.
 */
export const PINNED = os.cpus().length >= 2;
export const SERVER_CPU = '0';
export const LOAD_CPU = '1';

/** `command args…`, on `cpu` when pinning (taskset execs the command: the pid is the command's). */
export function onCpu(cpu: string, command: string, args: string[]): [string, string[]] {
  return PINNED ? ['taskset', ['-c', cpu, command, ...args]] : [command, args];
}

/**
 * The real headless server in its own process, as a kiosk runs it. BENCH_SERVER_NODE_ARGS
 * passes flags to its Node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
 */
export async function startServe(
  where: string | StoreOf,
  env: Record<string, string> = {},
  placement: 'pinned' | 'free' = 'free',
  extra: string[] = [],
  /** Another build's command line (bench/interface.ts): this one's by default. */
  cli = CLI,
): Promise<ServeProcess> {
  const store = typeof where === 'string' ? { dataDir: where } : where;
  // A company server's instance: its database, and the folder its instances share.
  const data = store.database
    ? ['--database', store.database, '--photos', store.dataDir]
    : ['--data-dir', store.dataDir];
  return spawnServer([cli, 'serve', ...data, '--port', '0', ...extra], env, placement);
}

/** A server started by a script of the bench's own (tsx), which prints the same "listening" line. */
export function startScriptServer(script: string, args: string[]): Promise<ServeProcess> {
  return spawnServer(['--import', 'tsx', path.join(__dirname, script), ...args], {}, 'pinned');
}

/**
 * `pinned`: on the server core, for load runs (serving.ts); `free`: on any core, as a
 * kiosk runs it, where its floor (sharp in the bench's process) runs free too.
 */
async function spawnServer(
  args: string[],
  env: Record<string, string>,
  placement: 'pinned' | 'free',
): Promise<ServeProcess> {
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const argv = [...nodeArgs, ...args];
  const [command, commandArgs] =
    placement === 'pinned' ? onCpu(SERVER_CPU, process.execPath, argv) : [process.execPath, argv];
  const child = spawn(command, commandArgs, {
    cwd: ROOT,
    env: { ...process.env, FRONTDESK_LOG: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Frontdesk listening on (\S+)/.exec(out);
      // A desk of a site says where it listens for peers on the next line.
      if (match && (!args.includes('--peer-port') || /Frontdesk peers on \S+\n/.test(out))) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${out}`)));
  });
  return {
    url,
    child,
    peakRssMiB: () => peakRss(child.pid!),
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** The CPU seconds a process has used so far (user and system). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

export function peakRss(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return round(kb / 1024, 1);
}

export async function signIn(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/v1/oauth/`, {
    method: 'POST',
    body: new URLSearchParams({ username, password }),
  });
  const body = (await response.json()) as { data: { access_token: string } };
  return body.data.access_token;
}

export const BENCH_STAFF = { username: 'bench', password: 'benchmark password' };

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
