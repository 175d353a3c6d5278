import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { seedVisitors } from '../src/cli/seed/seed';
import { openContext } from '../src/server/context';
import { BENCH_STAFF, log, median, peakRss, round, signIn, startScriptServer, startServe, tempDir, ROOT } from './lib';

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
 * Only 2xx answers count: a figure made of errors would flatter whoever returned them
 * fastest, so any other status, error or timeout fails the run.
 */
function runLoad(url: string, paths: string[], headers: Record<string, string>, seconds: number): LoadFigures {
  const configFile = path.join(tempDir('load'), 'config.json');
  fs.writeFileSync(configFile, JSON.stringify({ url, paths, connections: 32, seconds, headers }));
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'load-worker.ts'), configFile], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`load generator failed: ${result.stderr}`);
  const figures = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as LoadFigures;
  if (figures.non_2xx > 0 || figures.errors > 0 || figures.timeouts > 0) {
    throw new Error(
      `${url}${paths[0]}: ${figures.non_2xx} non-2xx answers, ${figures.errors} errors, ${figures.timeouts} timeouts`,
    );
  }
  return figures;
}

async function startStatic(
  dataDir: string,
  formatsFile: string,
  mode: 'readfile' | 'memory',
): Promise<{ url: string; stop(): void; pid: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'static-server.ts'), dataDir, formatsFile, mode],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
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
  full: { ours: LoadFigures; floor: LoadFigures; ceiling: LoadFigures; ratio: number; ceiling_ratio: number };
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
  if (ctx.auth.needsFirstUser()) await ctx.auth.createUser(BENCH_STAFF.username, BENCH_STAFF.password);
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

  const server = await startServe(dataDir);
  const floor = await startStatic(dataDir, formatsFile, 'readfile');
  const ceiling = await startStatic(dataDir, formatsFile, 'memory');
  const audited = await startScriptServer('audit-ab-server.ts', [dataDir, 'audited']);
  const unaudited = await startScriptServer('audit-ab-server.ts', [dataDir, 'unaudited']);
  let stopped = false;
  try {
    const token = await signIn(server.url, BENCH_STAFF.username, BENCH_STAFF.password);
    const auth = { authorization: `Token ${token}` };
    const rounds = quick ? 1 : 3;
    const seconds = quick ? 3 : 10;
    const runs = {
      thumbOurs: [] as LoadFigures[],
      thumbFloor: [] as LoadFigures[],
      fullOurs: [] as LoadFigures[],
      fullFloor: [] as LoadFigures[],
      thumbCeiling: [] as LoadFigures[],
      fullCeiling: [] as LoadFigures[],
      audited: [] as LoadFigures[],
      unaudited: [] as LoadFigures[],
    };
    const tokens = {
      audited: { authorization: `Token ${await signIn(audited.url, BENCH_STAFF.username, BENCH_STAFF.password)}` },
      unaudited: {
        authorization: `Token ${await signIn(unaudited.url, BENCH_STAFF.username, BENCH_STAFF.password)}`,
      },
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
      runs.thumbOurs.push(
        runLoad(
          server.url,
          ids.map((id) => `/v1/photo/thumb/${id}`),
          auth,
          seconds,
        ),
      );
      runs.thumbFloor.push(
        runLoad(
          floor.url,
          ids.map((id) => `/thumb/${id}`),
          {},
          seconds,
        ),
      );
      runs.fullOurs.push(
        runLoad(
          server.url,
          ids.map((id) => `/v1/photo/${id}`),
          auth,
          seconds,
        ),
      );
      runs.fullFloor.push(
        runLoad(
          floor.url,
          ids.map((id) => `/original/${id}`),
          {},
          seconds,
        ),
      );
      runs.thumbCeiling.push(
        runLoad(
          ceiling.url,
          ids.map((id) => `/thumb/${id}`),
          {},
          seconds,
        ),
      );
      runs.fullCeiling.push(
        runLoad(
          ceiling.url,
          ids.map((id) => `/original/${id}`),
          {},
          seconds,
        ),
      );
      for (const mode of ['audited', 'unaudited'] as const) {
        runs[mode].push(
          runLoad(
            (mode === 'audited' ? audited : unaudited).url,
            ids.map((id) => `/v1/photo/${id}`),
            tokens[mode],
            seconds,
          ),
        );
      }
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
    const result: ServingResult = {
      visitors,
      rounds,
      seconds_per_round: seconds,
      thumb: { ...thumb, ...ratios(thumb) },
      full: { ...full, ...ratios(full) },
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
    await Promise.all([unaudited.stop(), ...(stopped ? [] : [server.stop(), audited.stop()])]);
  }
}
