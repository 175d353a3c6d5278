import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../src/server/context';
import { multipartBody, sendCheckIn, timeQuietly, webcamFrame } from './checkin';
import {
  BENCH_STAFF,
  CLI,
  cpuSeconds,
  log,
  median,
  middleHalf,
  round,
  ROOT,
  signIn,
  startServe,
  tempDir,
  type ServeProcess,
} from './lib';
import { runLoad, thumbUrlsOf } from './serving';

/**
 * The builds compared (issue #25): the last commit before the storage interface, when the
 * repositories called better-sqlite3 directly; the commit that put them behind it; and this
 * one. The desk's hot paths must be no slower with the interface than before it, and no
 * slower now. `again` is a second process of the build before: what it shows against the
 * first is what this bench cannot tell apart from nothing.
 */
export const BUILDS = { before: 'a25c556', again: 'a25c556', interface: 'cb9edc8', now: 'this build' } as const;
type Build = keyof typeof BUILDS;
const BUILD_NAMES = Object.keys(BUILDS) as Build[];
/** The bound on how much slower any of them may be. */
const MAX_SLOWER = 0.05;

export interface PathFigures {
  /**
   * Server CPU per request under load (µs), or a check-in's latency (ms): medians of the
   * runs; `before` is the mean of its two processes in each run.
   */
  before: number;
  interface: number;
  now: number;
  /**
   * What the interface cost: the median, over the rounds, of interface / before − 1 within a
   * round (the runs side by side in time, so that the machine's drift falls on all).
   */
  interface_change: number;
  /** What everything since it costs: the same for now / before. */
  now_change: number;
  /** The control: the second process of the build before against the first, the same way. */
  control_change: number;
  /** The middle half of the rounds' changes, [lower, upper] quartile: how far one round is to be trusted. */
  interface_change_iqr: [number, number];
  now_change_iqr: [number, number];
  control_change_iqr: [number, number];
}

export type InterfaceResult =
  | {
      builds: typeof BUILDS;
      visitors: number;
      rounds: number;
      seconds_per_run: number;
      check_ins_each: number;
      log_page_cpu_us: PathFigures;
      search_cpu_us: PathFigures;
      thumb_cpu_us: PathFigures;
      check_in_ms: PathFigures;
      /** Every path within MAX_SLOWER of the build before, with the interface and now. */
      within_bound: boolean;
    }
  | { skipped: string };

/**
 * An earlier commit built beside this one: its source from git (the same dependencies,
 * linked), built the way `npm run build:app` builds. Where git or the commit is not at hand
 * (a copy of the source without its history), the reason instead.
 */
function buildOf(commit: string): { cli: string } | { missing: string } {
  const known = spawnSync('git', ['-C', ROOT, 'cat-file', '-e', `${commit}^{commit}`]);
  if (known.error || known.status !== 0) return { missing: `commit ${commit} is not in this clone's history` };
  const tree = path.join(tempDir(`build-${commit}`), 'tree');
  fs.mkdirSync(tree);
  const archive = execFileSync('git', ['-C', ROOT, 'archive', commit], { maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', tree], { input: archive });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'));
  // Its warnings are its own (a chunk's size): only a failed build's output is shown.
  const build = spawnSync(path.join(ROOT, 'node_modules/.bin/electron-vite'), ['build', '--logLevel', 'error'], {
    cwd: tree,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`the build of ${commit} failed: ${build.stderr}${build.stdout}`);
  return { cli: path.join(tree, 'out/main/cli.js') };
}

/**
 * Each build's median, and each later build's change against the build before the interface
 * within each round (the same seconds under load, or neighbouring check-ins): this virtual
 * machine's speed drifts by more than the 5 % sought from one minute to the next. The build
 * before is the mean of its two processes: one process can be a few per cent off another of
 * the same build for as long as it lives (the control says by how much).
 */
function figures(runs: Record<Build, number[]>, digits: number): PathFigures {
  const before = runs.before.map((first, i) => (first + runs.again[i]!) / 2);
  const against = (values: number[], base: number[]): number[] => values.map((value, i) => value / base[i]! - 1);
  const changes = {
    interface: against(runs.interface, before),
    now: against(runs.now, before),
    control: against(runs.again, runs.before),
  };
  return {
    before: round(median(before), digits),
    interface: round(median(runs.interface), digits),
    now: round(median(runs.now), digits),
    interface_change: round(median(changes.interface), 3),
    now_change: round(median(changes.now), 3),
    control_change: round(median(changes.control), 3),
    interface_change_iqr: middleHalf(changes.interface, 3),
    now_change_iqr: middleHalf(changes.now, 3),
    control_change_iqr: middleHalf(changes.control, 3),
  };
}

/** Each build in turn, who goes first moving on each round: the machine's drift falls on all alike. */
const turnOrder = (round: number): Build[] => BUILD_NAMES.map((_, i) => BUILD_NAMES[(i + round) % BUILD_NAMES.length]!);

/**
 * The desk's hot paths, the builds of BUILDS side by side in one run: each serves its own copy
 * of one folder seeded by the build before the interface (the later ones migrate their copy as
 * a desk does on its first start), all on the server core. Pages and thumbnails: the four
 * under load at once, wrk on the other core, each server's own CPU time per request read from
 * /proc (what the desk spends, whatever the load generator does). Check-ins: one at a time,
 * a webcam frame each, the builds in turn.
 */
export async function benchInterface(quick: boolean): Promise<InterfaceResult> {
  const clis: Partial<Record<Build, string>> = { now: CLI };
  for (const build of ['before', 'interface'] as const) {
    const built = buildOf(BUILDS[build]);
    if ('missing' in built) {
      log(`interface: skipped, ${built.missing}`);
      return { skipped: built.missing };
    }
    clis[build] = built.cli;
  }
  clis.again = clis.before;
  const visitors = quick ? 300 : 10_000;
  const rounds = quick ? 1 : 12;
  // Four servers share a core: each gets about a quarter of it, counted in ticks of 10 ms.
  const seconds = quick ? 1 : 3;
  const checkIns = quick ? 3 : 120;
  const seeded = tempDir('interface-seeded');
  log(`interface: seeding ${visitors} visitors with ${BUILDS.before}'s build`);
  const silent = { ...process.env, FRONTDESK_LOG: 'silent' };
  execFileSync(process.execPath, [clis.before!, 'user', 'add', BENCH_STAFF.username, '--data-dir', seeded], {
    input: `${BENCH_STAFF.password}\n`,
    env: silent,
  });
  execFileSync(process.execPath, [clis.before!, 'seed', '--visitors', String(visitors), '--data-dir', seeded], {
    env: silent,
    stdio: 'ignore',
  });
  const database = new Database(path.join(seeded, DATABASE_FILE), { readonly: true });
  const held = new Set(database.prepare('SELECT card_no FROM visitors WHERE exit_at IS NULL').pluck().all());
  database.close();
  const freeCards = Array.from({ length: 9_999 }, (_, i) => i + 1).filter((card) => !held.has(card));

  const servers: Partial<Record<Build, ServeProcess>> = {};
  const agent = new http.Agent({ keepAlive: true });
  try {
    for (const build of BUILD_NAMES) {
      const dir = tempDir(`interface-${build}`);
      fs.cpSync(seeded, dir, { recursive: true });
      servers[build] = await startServe(dir, {}, 'pinned', [], clis[build]);
    }
    const server = (build: Build): ServeProcess => servers[build]!;
    const tokens = {} as Record<Build, string>;
    for (const build of BUILD_NAMES) {
      tokens[build] = await signIn(server(build).url, BENCH_STAFF.username, BENCH_STAFF.password);
    }
    const searches = ['jo', 'sm', 'ann', 'mar', 'li'].map((q) => `/v1/log/?limit=50&q=${q}`);
    const kinds = {
      log: (build: Build) => [`/v1/log/?limit=50\tAuthorization: Token ${tokens[build]}`],
      search: (build: Build) => searches.map((p) => `${p}\tAuthorization: Token ${tokens[build]}`),
      thumbs: (build: Build) => thumbUrlsOf(server(build).url, tokens[build]),
    };
    const requests = {} as Record<keyof typeof kinds, Record<Build, string[]>>;
    for (const kind of Object.keys(kinds) as (keyof typeof kinds)[]) {
      requests[kind] = {} as Record<Build, string[]>;
      for (const build of BUILD_NAMES) requests[kind][build] = await kinds[kind](build);
    }
    /**
     * Each server's CPU per request, the four loaded at once: one wrk each, all on the load
     * core, the servers sharing theirs, started in the round's order. Whatever slows the
     * machine in those seconds slows all alike; taken in turn, one build's run could be 15 %
     * off the next's.
     */
    const cpuPerRequest = async (kind: keyof typeof kinds, round: number): Promise<Record<Build, number>> => {
      const order = turnOrder(round);
      const pids = order.map((build) => server(build).child.pid!);
      const start = pids.map(cpuSeconds);
      const settled = await Promise.allSettled(
        order.map((build) => runLoad(server(build).url, requests[kind][build], seconds)),
      );
      const spent = pids.map((pid, i) => cpuSeconds(pid) - start[i]!);
      // Every load ends before a failed one is told: none is left running on a server being stopped.
      const loads = settled.map((outcome) => {
        if (outcome.status === 'rejected') throw outcome.reason;
        return outcome.value;
      });
      return Object.fromEntries(order.map((build, i) => [build, (spent[i]! * 1e6) / loads[i]!.total])) as Record<
        Build,
        number
      >;
    };
    const empty = (): Record<Build, number[]> => ({ before: [], again: [], interface: [], now: [] });
    const cpu = { log: empty(), search: empty(), thumbs: empty() };
    // Every build compiled and warm before anything counts.
    for (const kind of Object.keys(cpu) as (keyof typeof cpu)[]) await cpuPerRequest(kind, 0);
    for (let r = 0; r < rounds; r++) {
      for (const kind of Object.keys(cpu) as (keyof typeof cpu)[]) {
        const spent = await cpuPerRequest(kind, r);
        for (const build of BUILD_NAMES) cpu[kind][build].push(spent[build]);
      }
    }

    const image = await webcamFrame(1280, 960, 90);
    let next = 0;
    const checkIn = async (build: Build): Promise<number> => {
      const form = await multipartBody(freeCards[next++]!, image);
      return timeQuietly(() => sendCheckIn(server(build).url, tokens[build], form, agent));
    };
    for (const build of BUILD_NAMES) await checkIn(build);
    const latency = empty();
    for (let i = 0; i < checkIns; i++) {
      for (const build of turnOrder(i)) latency[build].push(await checkIn(build));
    }
    const result = {
      builds: BUILDS,
      visitors,
      rounds,
      seconds_per_run: seconds,
      check_ins_each: checkIns,
      log_page_cpu_us: figures(cpu.log, 0),
      search_cpu_us: figures(cpu.search, 0),
      thumb_cpu_us: figures(cpu.thumbs, 0),
      check_in_ms: figures(latency, 1),
    };
    const paths = [result.log_page_cpu_us, result.search_cpu_us, result.thumb_cpu_us, result.check_in_ms];
    const changes = (name: string, f: PathFigures) =>
      `${name} ${f.interface_change} / ${f.now_change} / ${f.control_change}`;
    log(
      `interface: with it / now / the control (before's second process against its first), against before: ${changes('log', result.log_page_cpu_us)}, ` +
        `${changes('search', result.search_cpu_us)}, ${changes('thumbs', result.thumb_cpu_us)}, ` +
        changes('check-in', result.check_in_ms),
    );
    return {
      ...result,
      within_bound: paths.every((f) => f.interface_change <= MAX_SLOWER && f.now_change <= MAX_SLOWER),
    };
  } finally {
    agent.destroy();
    await Promise.all(Object.values(servers).map((running) => running.stop()));
  }
}
