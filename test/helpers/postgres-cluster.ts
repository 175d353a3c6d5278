import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * A real PostgreSQL server for a test file: its own cluster in a temporary folder, on a free
 * port of 127.0.0.1, removed when the file is done. Debian's `postgresql` package provides
 * the binaries (`.ci/run` installs it where it is missing); run as root, they run as the
 * `postgres` user, which owns the cluster's folder.
 */
export interface PostgresCluster {
  port: number;
  /** The cluster's own files (PGDATA): what a privacy test searches after an erasure. */
  dataDir: string;
  /** A new, empty database on the cluster: its connection string. */
  createDatabase: (name: string) => Promise<string>;
  /**
   * Stops the server at once, as a power cut would (no checkpoint), and starts it again,
   * blocking: it can be called in the middle of a transaction's synchronous work.
   */
  crashAndRestart: () => void;
  /**
   * Stops the server at once (`crash`) or cleanly, and starts it: without blocking the caller,
   * whose clients may keep sending meanwhile (a frozen client would leave its uploads
   * half-sent, and be refused for that).
   */
  crash: () => Promise<void>;
  stop: () => Promise<void>;
  start: () => Promise<void>;
  remove: () => void;
}

const execFileAsync = promisify(execFile);

/** Where the server's binaries are, or why there are none (a test prints it and skips). */
export function postgresBinaries(): { bin: string } | { missing: string } {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((name) => fs.existsSync(path.join(root, name, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) return { missing: `no PostgreSQL server under ${root} (Debian's postgresql package)` };
  return { bin: path.join(root, versions[0]!, 'bin') };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function asAdmin(server: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: `${server}/postgres` });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A new, empty database on a server (`postgres://user@host:port`): its connection string. */
export async function createDatabase(server: string, name: string): Promise<string> {
  await asAdmin(server, `CREATE DATABASE ${name}`);
  return `${server}/${name}`;
}

/** Removes a database, ending whatever connections it still has. */
export async function dropDatabase(server: string, name: string): Promise<void> {
  await asAdmin(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

export async function startPostgres(bin: string): Promise<PostgresCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const commandOf = (tool: string, args: string[]): [string, string[]] => {
    const command = path.join(bin, tool);
    return asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  };
  const run = (tool: string, args: string[]): void => {
    execFileSync(...commandOf(tool, args), { stdio: 'pipe', cwd: dir });
  };
  const runAsync = async (tool: string, args: string[]): Promise<void> => {
    await execFileAsync(...commandOf(tool, args), { cwd: dir });
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=on`;
  const startArgs = ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start'];
  const stopArgs = (mode: 'fast' | 'immediate') => ['-D', data, '-m', mode, '-w', 'stop'];
  run('pg_ctl', startArgs);
  let running = true;
  const stopped = async (mode: 'fast' | 'immediate'): Promise<void> => {
    await runAsync('pg_ctl', stopArgs(mode));
    running = false;
  };
  return {
    port,
    dataDir: data,
    createDatabase: (name) => createDatabase(`postgres://postgres@127.0.0.1:${port}`, name),
    crashAndRestart() {
      run('pg_ctl', stopArgs('immediate'));
      run('pg_ctl', startArgs);
    },
    crash: () => stopped('immediate'),
    stop: () => stopped('fast'),
    async start() {
      await runAsync('pg_ctl', startArgs);
      running = true;
    },
    remove() {
      try {
        if (running) run('pg_ctl', stopArgs('immediate'));
      } catch {
        // Already down (a start that failed): the folder goes all the same.
      }
      running = false;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
