import { seedVisitors } from '../src/cli/seed/seed';
import { openContext, type AppContext } from '../src/server/context';
import type { StoreOf } from '../test/helpers/another-process';
import { addDays, formatLocalDate } from '../src/shared/dates';
import { encodeCursor } from '../src/server/services/log-search';
import { BENCH_STAFF, log, median, round, signIn, startServe, tempDir } from './lib';

export interface LogSize {
  visitors: number;
  seed_seconds: number;
  first_page_ms: number;
  deep_page_ms: number;
  search_common_ms: number;
  search_rare_ms: number;
  /** History filtered to this week, and to five days four months back, alone and with a search. */
  dated_week_ms: number;
  dated_old_ms: number;
  search_dated_ms: number;
  /** Returning visitors as a name or a mobile number is typed at check-in (GET /v1/returning/). */
  returning_common_ms: number;
  returning_rare_ms: number;
  returning_mobile_ms: number;
  server_peak_rss_mib: number;
  /** The whole log as CSV, read by a client as it streams, from a fresh server process. */
  export: {
    rows: number;
    seconds: number;
    rows_per_second: number;
    mib: number;
    /** Peak RSS of the server process before the export started, and by its end. */
    rss_before_mib: number;
    peak_rss_mib: number;
    /** A log page asked for while the export streams: the desk stays usable. */
    log_page_during_export_ms: number;
  };
}

export interface LogScalingResult {
  sizes: LogSize[];
  /** Latency at the largest size divided by latency at the smallest, per query. */
  growth: Record<string, number>;
}

async function timeMedian(times: number, request: () => Promise<Response>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    const response = await request();
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`log request failed: ${response.status}`);
    samples.push(performance.now() - started);
  }
  return round(median(samples));
}

/**
 * The log's queries at one size, on a desk's data folder (by default) or a company server's
 * store, seeded by `seed` (by default the seeder's realistic visitors, without photos).
 */
export async function measureSize(
  visitors: number,
  samples: number,
  options: { store?: StoreOf; seed?: (ctx: AppContext, visitors: number) => Promise<void> } = {},
): Promise<LogSize> {
  const store = options.store ?? { dataDir: tempDir(`log-${visitors}`) };
  const ctx = await openContext(store);
  await ctx.auth.createFirstUser(BENCH_STAFF.username, BENCH_STAFF.password);
  const started = performance.now();
  await (options.seed ?? seedRealistic)(ctx, visitors);
  const seedSeconds = round((performance.now() - started) / 1000, 1);
  ctx.close();
  log(`log: ${visitors} rows seeded in ${seedSeconds} s`);

  const server = await startServe(store);
  try {
    const token = await signIn(server.url, BENCH_STAFF.username, BENCH_STAFF.password);
    const get = (query: string) => () =>
      fetch(`${server.url}/v1/log/?limit=50&${query}`, { headers: { authorization: `Token ${token}` } });
    const returning = (q: string) => () =>
      fetch(`${server.url}/v1/returning/?q=${encodeURIComponent(q)}`, { headers: { authorization: `Token ${token}` } });
    const deepCursor = encodeCursor({ direction: 'older', seq: Math.floor(visitors / 2) });
    await get('')().then((r) => r.arrayBuffer()); // warm the page cache and the statements
    const result: LogSize = {
      visitors,
      seed_seconds: seedSeconds,
      first_page_ms: await timeMedian(samples, get('')),
      deep_page_ms: await timeMedian(samples, get(`cursor=${deepCursor}`)),
      // "joh" matches thousands (John, Johanna); "søren dvořák" needs two rare words to meet.
      search_common_ms: await timeMedian(samples, get('q=joh')),
      search_rare_ms: await timeMedian(samples, get(`q=${encodeURIComponent('søren dvořák')}`)),
      dated_week_ms: await timeMedian(samples, get(`from=${daysAgo(6)}&to=${daysAgo(0)}`)),
      dated_old_ms: await timeMedian(samples, get(`from=${daysAgo(104)}&to=${daysAgo(100)}`)),
      search_dated_ms: await timeMedian(samples, get(`q=joh&from=${daysAgo(6)}&to=${daysAgo(0)}`)),
      // Ten people among the thousands "jo" starts; two rare words; the start of a mobile number.
      returning_common_ms: await timeMedian(samples, returning('jo')),
      returning_rare_ms: await timeMedian(samples, returning('søren dv')),
      returning_mobile_ms: await timeMedian(samples, returning('+4412')),
      server_peak_rss_mib: server.peakRssMiB(),
      export: await measureExport(store),
    };
    log(`log: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await server.stop();
  }
}

async function seedRealistic(ctx: AppContext, visitors: number): Promise<void> {
  await seedVisitors(ctx, { visitors, withoutPhotos: true });
}

/** The local date `days` before today, as the log's `from` and `to` take it. */
function daysAgo(days: number): string {
  return formatLocalDate(addDays(new Date(), -days));
}

/**
 * Exports the whole log from a server process of its own, so its peak RSS is the export's:
 * the client reads the stream chunk by chunk and keeps nothing, as a browser saving a file.
 */
async function measureExport(store: StoreOf): Promise<LogSize['export']> {
  const server = await startServe(store);
  try {
    const token = await signIn(server.url, BENCH_STAFF.username, BENCH_STAFF.password);
    const headers = { authorization: `Token ${token}` };
    await (await fetch(`${server.url}/v1/log/?limit=50`, { headers })).arrayBuffer();
    const before = server.peakRssMiB();
    const started = performance.now();
    const response = await fetch(`${server.url}/v1/log/export.csv`, { headers });
    if (!response.ok || !response.body) throw new Error(`export failed: ${response.status}`);
    let bytes = 0;
    let lines = 0;
    let pageMs: number | undefined;
    for await (const chunk of response.body) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines++;
      if (pageMs === undefined) {
        // Asked as soon as the export is under way, answered while it continues.
        const asked = performance.now();
        void fetch(`${server.url}/v1/log/?limit=50`, { headers }).then(async (page) => {
          await page.arrayBuffer();
          pageMs = round(performance.now() - asked);
        });
        pageMs = -1;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    while (pageMs === -1) await new Promise((resolve) => setTimeout(resolve, 5));
    return {
      rows: lines - 1,
      seconds: round(seconds, 1),
      rows_per_second: Math.round((lines - 1) / seconds),
      mib: round(bytes / 2 ** 20, 1),
      rss_before_mib: before,
      peak_rss_mib: server.peakRssMiB(),
      log_page_during_export_ms: pageMs ?? 0,
    };
  } finally {
    await server.stop();
  }
}

/** The page latencies compared across sizes. */
export const LOG_QUERIES = [
  'first_page_ms',
  'deep_page_ms',
  'search_common_ms',
  'search_rare_ms',
  'dated_week_ms',
  'dated_old_ms',
  'search_dated_ms',
  'returning_common_ms',
  'returning_rare_ms',
  'returning_mobile_ms',
] as const;

export async function benchLogScaling(quick: boolean): Promise<LogScalingResult> {
  const sizes: LogSize[] = [];
  for (const visitors of quick ? [1_000, 10_000] : [10_000, 100_000, 1_000_000]) {
    sizes.push(await measureSize(visitors, quick ? 10 : 40));
  }
  const first = sizes[0]!;
  const last = sizes.at(-1)!;
  const keys = LOG_QUERIES;
  return { sizes, growth: Object.fromEntries(keys.map((key) => [key, round(last[key] / first[key])])) };
}
