import pg from 'pg';
import { ensureVisitees, seedVisitors } from '../src/cli/seed/seed';
import { FIRST_NAMES, LAST_NAMES, PURPOSES } from '../src/cli/seed/people';
import type { AppContext } from '../src/server/context';
import type { StoreOf } from '../test/helpers/another-process';
import { postgresBinaries, startPostgres, type PostgresCluster } from '../test/helpers/postgres-cluster';
import { runLoad } from '../test/reliability/load-harness';
import { log, median, round, tempDir } from './lib';
import { measureSize, type LogSize } from './log-scaling';

/** One configuration's figures under the fifty desks' load. */
export interface CompanyLoad {
  requests_per_second: number;
  p50_ms: number;
  p99_ms: number;
  check_ins: number;
  /** The largest peak RSS of the configuration's server processes, and each's. */
  peak_rss_mib: number;
  instances_peak_rss_mib: number[];
}

export type CompanyResult =
  | { skipped: string }
  | {
      /** The same fifty desks against a desk, one company server instance and two, alternating rounds. */
      load: {
        seconds: number;
        rounds: number;
        desk: CompanyLoad;
        one_instance: CompanyLoad;
        two_instances: CompanyLoad;
      };
      /** The log's queries against a company server holding this many visitors. */
      search: LogSize;
    };

/**
 * The company server's figures (issue #25): the desks' load against PostgreSQL beside a
 * desk, and the log at a million visitors on PostgreSQL. The cluster is the machine's own
 * PostgreSQL, started in a temporary folder and removed after; where there is none, the part
 * says so instead of measuring.
 */
export async function benchCompany(quick: boolean): Promise<CompanyResult> {
  const binaries = postgresBinaries();
  if ('missing' in binaries) {
    log(`company: skipped, ${binaries.missing}`);
    return { skipped: binaries.missing };
  }
  const cluster = await startPostgres(binaries.bin);
  try {
    const load = await loadSideBySide(cluster, quick);
    const visitors = quick ? 20_000 : 1_000_000;
    const database = await cluster.createDatabase('company_search');
    const search = await measureSize(visitors, quick ? 10 : 40, {
      store: { dataDir: tempDir('company-search'), database },
      seed: (ctx, count) => seedInBulk(ctx, count, database),
    });
    return { load, search };
  } finally {
    cluster.remove();
  }
}

async function loadSideBySide(cluster: PostgresCluster, quick: boolean) {
  const seconds = quick ? 5 : 20;
  const rounds = quick ? 1 : 3;
  const runs: Record<'desk' | 'one_instance' | 'two_instances', CompanyLoad[]> = {
    desk: [],
    one_instance: [],
    two_instances: [],
  };
  let databases = 0;
  const companyStore = async (): Promise<StoreOf> => ({
    dataDir: tempDir('company-load'),
    database: await cluster.createDatabase(`company_load_${++databases}`),
  });
  // Alternating, each round on a fresh store: no configuration gets the warmer machine.
  for (let round = 0; round < rounds; round++) {
    for (const [name, store, instances] of [
      ['desk', { dataDir: tempDir('company-desk') }, 1],
      ['one_instance', await companyStore(), 1],
      ['two_instances', await companyStore(), 2],
    ] as const) {
      const report = await runLoad({ store, clients: 50, seconds, built: true, instances });
      if (report.failed.length > 0 || report.lostWrites > 0) {
        throw new Error(`company load (${name}): ${report.failed.length} failed, ${report.lostWrites} lost writes`);
      }
      runs[name].push({
        requests_per_second: report.perSecond,
        p50_ms: report.p50Ms,
        p99_ms: report.p99Ms,
        check_ins: report.byKind['check-in'] ?? 0,
        peak_rss_mib: report.peakRssMiB,
        instances_peak_rss_mib: report.instancesPeakRssMiB,
      });
      log(`company load ${name}: ${JSON.stringify(runs[name].at(-1))}`);
    }
  }
  return {
    seconds,
    rounds,
    desk: medianOf(runs.desk),
    one_instance: medianOf(runs.one_instance),
    two_instances: medianOf(runs.two_instances),
  };
}

/** Each figure's median over the rounds (the peaks: the highest). */
function medianOf(runs: CompanyLoad[]): CompanyLoad {
  const of = (pick: (run: CompanyLoad) => number) => round(median(runs.map(pick)), 1);
  return {
    requests_per_second: of((run) => run.requests_per_second),
    p50_ms: of((run) => run.p50_ms),
    p99_ms: of((run) => run.p99_ms),
    check_ins: of((run) => run.check_ins),
    peak_rss_mib: Math.max(...runs.map((run) => run.peak_rss_mib)),
    instances_peak_rss_mib: runs.at(-1)!.instances_peak_rss_mib,
  };
}

/** The newest visitors, seeded as the seeder makes them (on site, recent, varied). */
const RECENT = 10_000;
/** Rows written per transaction by the bulk part: each well inside the server's statement timeout (4 s). */
const BULK_BATCH = 10_000;

/**
 * A million visitors on PostgreSQL in minutes rather than hours: the older history made in
 * bulk by SQL (names, purposes and hosts from the seeder's own lists, one visit an hour
 * going back in time, each indexed by the visitors' own trigger and recorded in the change
 * log by the unit of work, as any write), then the newest as the seeder makes them.
 */
async function seedInBulk(ctx: AppContext, visitors: number, database: string): Promise<void> {
  const older = Math.max(0, visitors - RECENT);
  const hosts = ensureVisitees(ctx);
  // Older than anything the seeder makes (its history is 120 days), an hour apart, oldest first.
  const newestOlder = Date.now() - 121 * 24 * 60 * 60 * 1000;
  const insert = ctx.db.prepare(
    `INSERT INTO visitors (seq, visitor_id, card_no, name, mobile, purpose, visitee_no, entry_at, exit_at, exit_kind, entry_max)
     SELECT k,
            -- 22 base64url characters, never starting with - or _ (server/ids.ts).
            'b' || substr(translate(encode(decode(md5('visitor ' || k), 'hex'), 'base64'), '+/=', '-_'), 1, 21),
            1 + k % 9999,
            (CAST(@first AS TEXT[]))[1 + (k * 7919) % @firsts] || ' ' || (CAST(@last AS TEXT[]))[1 + (k * 104729) % @lasts],
            -- As the seeder's: forty country codes, then nine digits.
            '+' || (44 + k % 40) || (100000000 + (k * 48271) % 900000000),
            (CAST(@purpose AS TEXT[]))[1 + k % @purposes],
            (CAST(@host AS BIGINT[]))[1 + (k * 31) % @hosts],
            @newest - (@older - k) * 3600000, @newest - (@older - k) * 3600000 + 2700000, 'desk',
            @newest - (@older - k) * 3600000
       FROM generate_series(CAST(@from AS BIGINT), CAST(@to AS BIGINT)) AS k`,
  );
  for (let from = 1; from <= older; from += BULK_BATCH) {
    const to = Math.min(older, from + BULK_BATCH - 1);
    ctx.writes.run(() =>
      insert.run({
        first: FIRST_NAMES,
        firsts: FIRST_NAMES.length,
        last: LAST_NAMES,
        lasts: LAST_NAMES.length,
        purpose: PURPOSES,
        purposes: PURPOSES.length,
        host: hosts,
        hosts: hosts.length,
        newest: newestOlder,
        older,
        from,
        to,
      }),
    );
    if (to % 100_000 === 0 || to === older) log(`company search: ${to} of ${older} older visitors written`);
  }
  // The newest come after them, numbered on from the last.
  ctx.writes.run(() =>
    ctx.db
      .prepare("SELECT setval(pg_get_serial_sequence('visitors', 'seq'), CAST(? AS BIGINT))")
      .get(Math.max(older, 1)),
  );
  await seedVisitors(ctx, { visitors: Math.min(visitors, RECENT), withoutPhotos: true });
  await analyze(database);
}

/**
 * The planner's statistics of the seeded tables, on a connection of its own: at a million
 * visitors ANALYZE can take longer than the server's connections allow one statement
 * (4 s; it did on 2026-12-07, at night).
 */
async function analyze(database: string): Promise<void> {
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}
