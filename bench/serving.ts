import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { seedVisitors } from '../src/cli/seed/seed';
import type { VisitorLogResponse } from '../src/shared/api-types';
import { openContext } from '../src/server/context';
import {
  BENCH_STAFF,
  LOAD_CPU,
  log,
  median,
  onCpu,
  peakRss,
  round,
  SERVER_CPU,
  signIn,
  startScriptServer,
  startServe,
  tempDir,
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

export interface ServingResult {
  visitors: number;
  rounds: number;
  seconds_per_round: number;
  /** `floor`: the readFile static server; `ceiling`: the same bytes from memory. */
  thumb: { ours: LoadFigures; floor: LoadFigures; ceiling: LoadFigures; ratio: number; ceiling_ratio: number };
  /** Thumbnails by the signed URLs the desk's `<img src>` uses, against the same floor. */
  thumb_signed: { ours: LoadFigures; ratio: number };
  /**
   * Whether the run can be believed: node:http from memory must be clearly faster than
   * from disk (more than 2×), or the load generator, not the servers, was the limit.
   */
  valid: boolean;
  pinned: boolean;
  full: { ours: LoadFigures; floor: LoadFigures; ceiling: LoadFigures; ratio: number; ceiling_ratio: number };
  /**
   * The first page of the log (50 visitors) and a common prefix search, under the same
   * load, against plain node:http running the same statement and JSON.stringify.
   */
  log_page: { ours: LoadFigures; floor: LoadFigures; ratio: number };
  log_search: { ours: LoadFigures; floor: LoadFigures; ratio: number };
  /**
   * Full photos from the same server code run twice, with the view recorded on the audit
   * trail and with the recording removed: `ratio` is audited / unaudited throughput.
   */
  audit: {
    audited: LoadFigures;
    unaudited: LoadFigures;
    ratio: number;
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
    const rounds = quick ? 1 : 3;
    const seconds = quick ? 3 : 5;
    // The server's code is compiled and optimised by the time it is measured, on both paths.
    for (const warmUp of [requests.thumb, requests.signed]) await runLoad(server.url, warmUp, quick ? 2 : 5);
    const runs = {
      thumbOurs: [] as LoadFigures[],
      thumbSigned: [] as LoadFigures[],
      thumbFloor: [] as LoadFigures[],
      fullOurs: [] as LoadFigures[],
      fullFloor: [] as LoadFigures[],
      thumbCeiling: [] as LoadFigures[],
      fullCeiling: [] as LoadFigures[],
      audited: [] as LoadFigures[],
      unaudited: [] as LoadFigures[],
      logPage: [] as LoadFigures[],
      logPageFloor: [] as LoadFigures[],
      logSearch: [] as LoadFigures[],
      logSearchFloor: [] as LoadFigures[],
    };
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
      runs.thumbOurs.push(await runLoad(server.url, requests.thumb, seconds));
      runs.thumbFloor.push(await runLoad(floor.url, paths.floorThumb, seconds));
      runs.thumbSigned.push(await runLoad(server.url, requests.signed, seconds));
      runs.thumbCeiling.push(await runLoad(ceiling.url, paths.floorThumb, seconds));
      runs.fullOurs.push(await runLoad(server.url, requests.full, seconds));
      runs.fullFloor.push(await runLoad(floor.url, paths.floorFull, seconds));
      runs.fullCeiling.push(await runLoad(ceiling.url, paths.floorFull, seconds));
      runs.audited.push(await runLoad(audited.url, requests.audited, seconds));
      runs.unaudited.push(await runLoad(unaudited.url, requests.unaudited, seconds));
      runs.logPage.push(await runLoad(server.url, requests.logPage, seconds));
      runs.logPageFloor.push(await runLoad(logFloor.url, [LOG_PAGE], seconds));
      runs.logSearch.push(await runLoad(server.url, requests.logSearch, seconds));
      runs.logSearchFloor.push(await runLoad(logFloor.url, [LOG_SEARCH], seconds));
    }
    const auditedFigures = medianFigures(runs.audited);
    const unauditedFigures = medianFigures(runs.unaudited);
    const thumb = {
      ours: medianFigures(runs.thumbOurs),
      floor: medianFigures(runs.thumbFloor),
      ceiling: medianFigures(runs.thumbCeiling),
    };
    const full = {
      ours: medianFigures(runs.fullOurs),
      floor: medianFigures(runs.fullFloor),
      ceiling: medianFigures(runs.fullCeiling),
    };
    const ratios = (figures: typeof thumb) => ({
      ratio: round(figures.ours.requests_per_second / figures.floor.requests_per_second),
      ceiling_ratio: round(figures.ours.requests_per_second / figures.ceiling.requests_per_second),
    });
    const signed = medianFigures(runs.thumbSigned);
    const versus = (ours: LoadFigures[], floorRuns: LoadFigures[]) => {
      const figures = { ours: medianFigures(ours), floor: medianFigures(floorRuns) };
      return { ...figures, ratio: round(figures.ours.requests_per_second / figures.floor.requests_per_second) };
    };
    const valid = thumb.ceiling.requests_per_second > 2 * thumb.floor.requests_per_second;
    if (!valid) log('serving: INVALID RUN: the in-memory ceiling is not above twice the readFile floor');
    const result: ServingResult = {
      visitors,
      rounds,
      seconds_per_round: seconds,
      valid,
      pinned: PINNED,
      thumb: { ...thumb, ...ratios(thumb) },
      thumb_signed: { ours: signed, ratio: round(signed.requests_per_second / thumb.floor.requests_per_second) },
      full: { ...full, ...ratios(full) },
      log_page: versus(runs.logPage, runs.logPageFloor),
      log_search: versus(runs.logSearch, runs.logSearchFloor),
      audit: {
        audited: auditedFigures,
        unaudited: unauditedFigures,
        ratio: round(auditedFigures.requests_per_second / unauditedFigures.requests_per_second),
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
