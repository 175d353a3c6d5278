import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { seedVisitors } from '../src/cli/seed/seed';
import type { VisitorLogResponse } from '../src/shared/api-types';
import { openContext } from '../src/server/context';
import {
  balancedOrder,
  BENCH_STAFF,
  LOAD_CPU,
  log,
  median,
  onCpu,
  pairedRatio,
  peakRss,
  round,
  SERVER_CPU,
  signIn,
  startScriptServer,
  startServe,
  tempDir,
  type PairedRatio,
  PINNED,
  ROOT,
} from './lib';

const execFileAsync = promisify(execFile);

export interface LoadFigures {
  requests_per_second: number;
  p50_ms: number;
  p99_ms: number;
  non_2xx: number;
  errors: number;
  timeouts: number;
  total: number;
}

/**
 * One load run: Debian's wrk, one thread and `connections` (32) on its own core, cycling
 * through `requests` (a path, then tab-separated headers; see wrk-rotate.lua). wrk is C:
 * unlike a load generator in Node, it is not the limit of what it measures (the
 * in-memory ceiling checks that, every run). Only 2xx answers count: a figure made of
 * errors would flatter whoever returned them fastest, so any other status, error or
 * timeout fails the run. Runs may overlap (bench/interface.ts loads four servers at once).
 */
export async function runLoad(
  url: string,
  requests: string[],
  seconds: number,
  connections = 32,
): Promise<LoadFigures> {
  const listFile = path.join(tempDir('load'), 'requests.tsv');
  fs.writeFileSync(listFile, `${requests.join('\n')}\n`);
  const [command, args] = onCpu(LOAD_CPU, 'wrk', [
    ...['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', path.join(__dirname, 'wrk-rotate.lua')],
    ...[`${url}/`, '--', listFile],
  ]);
  const result = await execFileAsync(command, args).catch((error: Error & { stderr?: string }) => {
    throw new Error(`wrk failed (Debian's wrk package must be installed): ${error.stderr || error.message}`);
  });
  const line = /^WRK_RESULT (.*)$/m.exec(result.stdout)?.[1];
  if (!line) throw new Error(`wrk printed no result: ${result.stdout}`);
  const raw = JSON.parse(line) as Record<string, number>;
  const errors = raw.connect_errors! + raw.read_errors! + raw.write_errors!;
  const figures: LoadFigures = {
    requests_per_second: round(raw.requests! / (raw.duration_us! / 1e6)),
    p50_ms: round(raw.p50_us! / 1000),
    p99_ms: round(raw.p99_us! / 1000),
    // wrk counts answers with a status of 400 or more; no request here is conditional, so
    // a 3xx cannot come either.
    non_2xx: raw.status_errors!,
    errors,
    timeouts: raw.timeouts!,
    total: raw.requests!,
  };
  if (figures.non_2xx > 0 || figures.errors > 0 || figures.timeouts > 0) {
    throw new Error(
      `${url}${requests[0]}: ${figures.non_2xx} non-2xx answers, ${errors} errors, ${figures.timeouts} timeouts`,
    );
  }
  return figures;
}

/** One of the floors (a script of the bench's own that prints "listening PORT"), on the server core. */
async function startFloor(script: string, args: string[]): Promise<{ url: string; stop(): void; pid: number }> {
  const [command, argv] = onCpu(SERVER_CPU, process.execPath, [
    '--import',
    'tsx',
    path.join(__dirname, script),
    ...args,
  ]);
  const child = spawn(command, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve(match[1]!);
    });
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => child.kill() };
}

/**
 * A photo path against its floors: every ratio is paired round by round (lib.ts
 * pairedRatio); `floor` is the readFile static server, `ceiling` the same bytes from memory.
 */
type AgainstFloors = {
  ours: LoadFigures;
  floor: LoadFigures;
  ceiling: LoadFigures;
  ceiling_ratio: number;
} & PairedRatio;

export interface ServingResult {
  visitors: number;
  rounds: number;
  /** Each load's length; a round loads every series once. */
  seconds_per_run: number;
  /** `floor`: the readFile static server; `ceiling`: the same bytes from memory. */
  thumb: AgainstFloors;
  /** Thumbnails by the signed URLs the desk's `<img src>` uses, against the same floor. */
  thumb_signed: { ours: LoadFigures } & PairedRatio;
  /**
   * Whether the run can be believed: node:http from memory must be clearly faster than
   * from disk (more than 2×, `ceiling_over_floor`), or the load generator, not the
   * servers, was the limit.
   */
  valid: boolean;
  ceiling_over_floor: PairedRatio;
  pinned: boolean;
  full: AgainstFloors;
  /**
   * The first page of the log (50 visitors) and a common prefix search, under the same
   * load, against plain node:http running the same statement and JSON.stringify.
   */
  log_page: { ours: LoadFigures; floor: LoadFigures } & PairedRatio;
  log_search: { ours: LoadFigures; floor: LoadFigures } & PairedRatio;
  /**
   * Full photos from the same server code run twice, with the view recorded on the audit
   * trail and with the recording removed: `ratio` is audited / unaudited throughput.
   */
  audit: {
    audited: LoadFigures;
    unaudited: LoadFigures;
    ratio: number;
    ratio_middle_half: [number, number];
    /** photo.view entries written during the run, and the full photos answered by audited servers. */
    entries_written: number;
    views_served: number;
  };
  server_peak_rss_mib: number;
  floor_peak_rss_mib: number;
}

/** The desk's first screen of History, and a search of a common prefix (seeded names). */
const LOG_PAGE = '/v1/log/?limit=50';
const LOG_SEARCH = '/v1/log/?q=jo&limit=50';

/** Medians of each figure over the rounds. */
function medianFigures(runs: LoadFigures[]): LoadFigures {
  const pick = (key: keyof LoadFigures) => round(median(runs.map((r) => r[key])));
  return {
    requests_per_second: pick('requests_per_second'),
    p50_ms: pick('p50_ms'),
    p99_ms: pick('p99_ms'),
    non_2xx: runs.reduce((sum, r) => sum + r.non_2xx, 0),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    timeouts: runs.reduce((sum, r) => sum + r.timeouts, 0),
    total: runs.reduce((sum, r) => sum + r.total, 0),
  };
}

export async function benchServing(quick: boolean, dataDir = tempDir('serving')): Promise<ServingResult> {
  const visitors = quick ? 300 : 10_000;
  const ctx = await openContext({ dataDir });
  if (ctx.auth.needsFirstUser()) await ctx.auth.createFirstUser(BENCH_STAFF.username, BENCH_STAFF.password);
  if (ctx.visitors.log({ limit: 1 }).visitors.length === 0) {
    log(`serving: seeding ${visitors} visitors with photos`);
    await seedVisitors(ctx, { visitors });
  }
  const rows = ctx.db
    .prepare('SELECT v.visitor_id, p.format FROM visitors v JOIN photos p ON p.visitor_seq = v.seq')
    .all() as { visitor_id: string; format: string }[];
  ctx.close();
  const formatsFile = path.join(tempDir('formats'), 'formats.json');
  fs.writeFileSync(formatsFile, JSON.stringify(Object.fromEntries(rows.map((r) => [r.visitor_id, r.format]))));
  const ids = rows.map((r) => r.visitor_id);

  const server = await startServe(dataDir, {}, 'pinned');
  const floor = await startFloor('static-server.ts', [dataDir, formatsFile, 'readfile']);
  const ceiling = await startFloor('static-server.ts', [dataDir, formatsFile, 'memory']);
  const logFloor = await startFloor('log-floor-server.ts', [dataDir]);
  const audited = await startScriptServer('audit-ab-server.ts', [dataDir, 'audited']);
  const unaudited = await startScriptServer('audit-ab-server.ts', [dataDir, 'unaudited']);
  let stopped = false;
  try {
    const token = await signIn(server.url, BENCH_STAFF.username, BENCH_STAFF.password);
    const tokens = {
      audited: await signIn(audited.url, BENCH_STAFF.username, BENCH_STAFF.password),
      unaudited: await signIn(unaudited.url, BENCH_STAFF.username, BENCH_STAFF.password),
    };
    const withToken = (paths: string[], sent: string) => paths.map((p) => `${p}\tAuthorization: Token ${sent}`);
    const paths = {
      thumb: ids.map((id) => `/v1/photo/thumb/${id}`),
      full: ids.map((id) => `/v1/photo/${id}`),
      floorThumb: ids.map((id) => `/thumb/${id}`),
      floorFull: ids.map((id) => `/original/${id}`),
    };
    const requests = {
      thumb: withToken(paths.thumb, token),
      signed: await thumbUrlsOf(server.url, token),
      full: withToken(paths.full, token),
      audited: withToken(paths.full, tokens.audited),
      unaudited: withToken(paths.full, tokens.unaudited),
      logPage: withToken([LOG_PAGE], token),
      logSearch: withToken([LOG_SEARCH], token),
    };
    const rounds = quick ? 1 : 6;
    const seconds = 3;
    /** Each series of runs: the server it loads and the requests it cycles through. */
    const loads = {
      thumbOurs: [server.url, requests.thumb],
      thumbFloor: [floor.url, paths.floorThumb],
      thumbSigned: [server.url, requests.signed],
      thumbCeiling: [ceiling.url, paths.floorThumb],
      fullOurs: [server.url, requests.full],
      fullFloor: [floor.url, paths.floorFull],
      fullCeiling: [ceiling.url, paths.floorFull],
      audited: [audited.url, requests.audited],
      unaudited: [unaudited.url, requests.unaudited],
      logPage: [server.url, requests.logPage],
      logPageFloor: [logFloor.url, [LOG_PAGE]],
      logSearch: [server.url, requests.logSearch],
      logSearchFloor: [logFloor.url, [LOG_SEARCH]],
    } satisfies Record<string, [string, string[]]>;
    type Series = keyof typeof loads;
    // What is compared is measured in the same round, one after the other, in a balanced order
    // (lib.ts balancedOrder): the machine's drift falls on a figure and its floor alike.
    const groups: Series[][] = [
      ['thumbOurs', 'thumbFloor', 'thumbSigned', 'thumbCeiling'],
      ['fullOurs', 'fullFloor', 'fullCeiling'],
      ['audited', 'unaudited'],
      ['logPage', 'logPageFloor'],
      ['logSearch', 'logSearchFloor'],
    ];
    if (new Set(groups.flat()).size !== Object.keys(loads).length) throw new Error('every series belongs to one group');
    const runs = Object.fromEntries(Object.keys(loads).map((series) => [series, [] as LoadFigures[]])) as Record<
      Series,
      LoadFigures[]
    >;
    // Every server's code on every path is compiled and optimised, and its files read once,
    // before anything is measured.
    for (const series of groups.flat()) await runLoad(...loads[series], quick ? 1 : 3);
    const auditEntries = () => {
      const check = openContext({ dataDir });
      return check.then((c) => {
        const n = (
          c.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'photo.view'").get() as { n: number }
        ).n;
        c.close();
        return n;
      });
    };
    const entriesBefore = await auditEntries();
    for (let i = 0; i < rounds; i++) {
      for (const group of groups) {
        for (const series of balancedOrder(group, i)) runs[series].push(await runLoad(...loads[series], seconds));
      }
    }
    const perSecond = (series: Series): number[] => runs[series].map((r) => r.requests_per_second);
    const against = (ours: Series, base: Series): PairedRatio => pairedRatio(perSecond(ours), perSecond(base));
    const withCeiling = (ours: Series, base: Series, ceilingSeries: Series) => ({
      ours: medianFigures(runs[ours]),
      floor: medianFigures(runs[base]),
      ceiling: medianFigures(runs[ceilingSeries]),
      ...against(ours, base),
      ceiling_ratio: against(ours, ceilingSeries).ratio,
    });
    const versus = (ours: Series, base: Series) => ({
      ours: medianFigures(runs[ours]),
      floor: medianFigures(runs[base]),
      ...against(ours, base),
    });
    // Valid only when the ceiling was clearly above the floor in most rounds, not just in the middle one.
    const ceilingOverFloor = against('thumbCeiling', 'thumbFloor');
    const valid = ceilingOverFloor.ratio_middle_half[0] > 2;
    if (!valid) log('serving: INVALID RUN: the in-memory ceiling is not above twice the readFile floor');
    const audit = versus('audited', 'unaudited');
    const result: ServingResult = {
      visitors,
      rounds,
      seconds_per_run: seconds,
      valid,
      ceiling_over_floor: ceilingOverFloor,
      pinned: PINNED,
      thumb: withCeiling('thumbOurs', 'thumbFloor', 'thumbCeiling'),
      thumb_signed: { ours: medianFigures(runs.thumbSigned), ...against('thumbSigned', 'thumbFloor') },
      full: withCeiling('fullOurs', 'fullFloor', 'fullCeiling'),
      log_page: versus('logPage', 'logPageFloor'),
      log_search: versus('logSearch', 'logSearchFloor'),
      audit: {
        audited: audit.ours,
        unaudited: audit.floor,
        ratio: audit.ratio,
        ratio_middle_half: audit.ratio_middle_half,
        entries_written: 0,
        views_served: [...runs.fullOurs, ...runs.audited].reduce((sum, run) => sum + run.total - run.non_2xx, 0),
      },
      server_peak_rss_mib: server.peakRssMiB(),
      floor_peak_rss_mib: peakRss(floor.pid),
    };
    // Stopping flushes the last batch: every view an audited server answered is on the trail.
    await Promise.all([server.stop(), audited.stop()]);
    stopped = true;
    result.audit.entries_written = (await auditEntries()) - entriesBefore;
    log(`serving: ${JSON.stringify(result)}`);
    return result;
  } finally {
    floor.stop();
    ceiling.stop();
    logFloor.stop();
    await Promise.all([unaudited.stop(), ...(stopped ? [] : [server.stop(), audited.stop()])]);
  }
}

/** The signed thumbnail URLs the server hands out with the log, page by page, as the desk gets them. */
export async function thumbUrlsOf(url: string, token: string): Promise<string[]> {
  const urls: string[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '200', ...(cursor ? { cursor } : {}) });
    const response = await fetch(`${url}/v1/log/?${query}`, { headers: { authorization: `Token ${token}` } });
    const body = (await response.json()) as VisitorLogResponse;
    urls.push(...body.data.flatMap((visitor) => (visitor.thumb_url ? [visitor.thumb_url] : [])));
    cursor = body.next_cursor;
  } while (cursor);
  return urls;
}
