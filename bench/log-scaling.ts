import { seedVisitors } from '../src/cli/seed/seed';
import { openContext } from '../src/server/context';
import { encodeCursor } from '../src/server/services/log-search';
import { BENCH_STAFF, log, median, round, signIn, startServe, tempDir } from './lib';

export interface LogSize {
  visitors: number;
  seed_seconds: number;
  first_page_ms: number;
  deep_page_ms: number;
  search_common_ms: number;
  search_rare_ms: number;
  server_peak_rss_mib: number;
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

async function measureSize(visitors: number, samples: number): Promise<LogSize> {
  const dataDir = tempDir(`log-${visitors}`);
  const ctx = await openContext({ dataDir });
  await ctx.auth.createUser(BENCH_STAFF.username, BENCH_STAFF.password);
  const started = performance.now();
  await seedVisitors(ctx, { visitors, withoutPhotos: true });
  const seedSeconds = round((performance.now() - started) / 1000, 1);
  ctx.close();
  log(`log: ${visitors} rows seeded in ${seedSeconds} s`);

  const server = await startServe(dataDir);
  try {
    const token = await signIn(server.url, BENCH_STAFF.username, BENCH_STAFF.password);
    const get = (query: string) => () =>
      fetch(`${server.url}/v1/log/?limit=50&${query}`, { headers: { authorization: `Token ${token}` } });
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
      server_peak_rss_mib: server.peakRssMiB(),
    };
    log(`log: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await server.stop();
  }
}

export async function benchLogScaling(quick: boolean): Promise<LogScalingResult> {
  const sizes: LogSize[] = [];
  for (const visitors of quick ? [1_000, 10_000] : [10_000, 100_000, 1_000_000]) {
    sizes.push(await measureSize(visitors, quick ? 10 : 40));
  }
  const first = sizes[0]!;
  const last = sizes.at(-1)!;
  const keys = ['first_page_ms', 'deep_page_ms', 'search_common_ms', 'search_rare_ms'] as const;
  return { sizes, growth: Object.fromEntries(keys.map((key) => [key, round(last[key] / first[key])])) };
}
