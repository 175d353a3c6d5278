import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openContext } from '../src/server/context';
import { companySites } from '../src/server/company/company-sites';
import { postgresBinaries, startPostgres, type PostgresCluster } from '../test/helpers/postgres-cluster';
import {
  BENCH_STAFF,
  cpuSeconds,
  log,
  median,
  peakRss,
  round,
  signIn,
  startServe,
  tempDir,
  type ServeProcess,
} from './lib';
import type { DeskPlan, FromDesks, ToDesks } from './site-desks';

/** Each figure's share of one core over a phase, in %. */
export interface CpuShares {
  company: number;
  desks: number;
  postgres: number;
  /** All three, against the machine's cores: 100 % is every core busy. */
  machine_percent: number;
}

/** One size of the simulation. */
export interface SitesRun {
  sites: number;
  desks_per_site: number;
  /** Making the sites and their accounts, every desk joining, and the company server hearing from each, in seconds. */
  setup_seconds: number;
  /** Desks the company server had heard from when the setup ended (all of them, unless the machine could not). */
  desks_heard: number;
  /** Every desk asking every other desk of its site, and the company server asking all of them, with nothing to say. */
  idle: { seconds: number; cpu: CpuShares; company_percent_per_desk: number; answer_ms: Answering };
  morning: {
    seconds: number;
    /** Check-ins the desks were asked for per second, in all. */
    offered_per_second: number;
    check_ins: number;
    failed: number;
    /** Visitors (with photo) that reached the company server, per second of the morning. */
    reached_per_second: number;
    /** From a check-in's commit at its desk to its visitor in the company server's database. */
    lag_ms: { median: number; p95: number; p99: number; max: number; missing: number };
    cpu: CpuShares;
    answer_ms: Answering;
  };
  peak_rss_mib: { company: number; desks: number; per_desk: number };
  saturates_first: string;
}

/** How long the company server took to answer a request that needs no database, in ms. */
export interface Answering {
  median: number;
  p99: number;
}

export type SitesResult = { skipped: string } | { runs: SitesRun[] };

const STAFF = { username: 'site-staff', password: 'site staff password' };

/** The PostgreSQL server's processes: the postmaster and its children (backends, writer, WAL…). */
function postgresPids(dataDir: string): number[] {
  const postmaster = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

/** Measures each part's CPU over `work`. */
async function cpuOver<T>(
  pids: { company: number; desks: number[]; postgres: () => number[] },
  work: () => Promise<T>,
): Promise<{ value: T; cpu: CpuShares }> {
  const sum = (list: number[]) => list.reduce((total, pid) => total + cpuSeconds(pid), 0);
  // Backends come and go: those of the start and the end are both counted, each once.
  const before = { company: cpuSeconds(pids.company), desks: sum(pids.desks), postgres: new Map<number, number>() };
  for (const pid of pids.postgres()) before.postgres.set(pid, cpuSeconds(pid));
  const started = performance.now();
  const value = await work();
  const seconds = (performance.now() - started) / 1000;
  let postgres = 0;
  for (const pid of pids.postgres()) postgres += cpuSeconds(pid) - (before.postgres.get(pid) ?? 0);
  const share = (used: number) => round((used / seconds) * 100, 1);
  const cpu = {
    company: share(cpuSeconds(pids.company) - before.company),
    desks: share(sum(pids.desks) - before.desks),
    postgres: share(postgres),
  };
  const cores = os.cpus().length;
  return { value, cpu: { ...cpu, machine_percent: round((cpu.company + cpu.desks + cpu.postgres) / cores, 1) } };
}

/** One process of desks, and a way to wait for its next answer. */
function deskHost(): { child: ChildProcess; next: (type: FromDesks['type']) => Promise<FromDesks> } {
  const child = fork(path.join(__dirname, 'site-desks.ts'), [], {
    // BENCH_SERVER_NODE_ARGS (lib.ts) reaches the desks' processes too, e.g. to profile them.
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
    env: { ...process.env, FRONTDESK_LOG: 'error' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (type: FromDesks['type']) =>
    new Promise<FromDesks>((resolve, reject) => {
      const onMessage = (message: FromDesks) => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (message.type === 'failed') reject(new Error(`a desk host failed: ${message.message}`));
        else if (message.type !== type) reject(new Error(`a desk host said ${message.type}, not ${type}`));
        else resolve(message);
      };
      const onExit = (code: number | null) => reject(new Error(`a desk host ended (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return { child, next };
}

const tell = (child: ChildProcess, message: ToDesks) => child.send(message);

/**
 * The sites simulation (issue #25): a company server on PostgreSQL, and N sites of D desks
 * each, every desk real (desks.ts), joined over the peer protocol with a join code, asking
 * its site's other desks and the company server every second over TLS, as each answers
 * theirs. The desks share a few processes (site-desks.ts) so that they fit the machine; the
 * company server runs alone, as it would. First the site idle (what the asking alone costs),
 * then a busy morning of check-ins with photos at every desk: how long each takes to reach
 * the company server's database, and what each part of the machine spends meanwhile.
 */
export async function benchSites(quick: boolean): Promise<SitesResult> {
  const binaries = postgresBinaries();
  if ('missing' in binaries) {
    log(`sites: skipped, ${binaries.missing}`);
    return { skipped: binaries.missing };
  }
  // A size that this machine holds, then the one the company server is built for.
  const sizes = process.env.BENCH_SITES?.split(',').map(Number) ?? (quick ? [2] : [20, 200]);
  const cluster = await startPostgres(binaries.bin);
  try {
    const runs: SitesRun[] = [];
    for (const [n, siteCount] of sizes.entries())
      runs.push(await simulate(cluster, `company_sites_${n}`, siteCount, quick));
    return { runs };
  } finally {
    cluster.remove();
  }
}

async function simulate(cluster: PostgresCluster, name: string, siteCount: number, quick: boolean): Promise<SitesRun> {
  const perSite = Number(process.env.BENCH_DESKS_PER_SITE ?? 3);
  const hosts = Math.min(quick ? 1 : 4, siteCount);
  // Twice the time a quiet exchange writes "last heard" at least (site/heard.ts), so that it is counted.
  const idleSeconds = quick ? 10 : 20;
  const morningSeconds = quick ? 5 : 60;
  // A busy morning: each desk a visitor every 30 s on average, all of them at once.
  const perDeskPerSecond = Number(process.env.BENCH_DESK_RATE ?? (quick ? 0.5 : 1 / 30));
  const children: ReturnType<typeof deskHost>[] = [];
  let company: ServeProcess | undefined;
  try {
    const database = await cluster.createDatabase(name);
    const photos = tempDir('sites-company');
    const started = performance.now();

    const setup = await openContext({ dataDir: photos, database });
    const siteIds: string[] = [];
    const plans: DeskPlan[] = [];
    try {
      await setup.auth.createFirstUser(BENCH_STAFF.username, BENCH_STAFF.password);
      const sites = companySites(setup, { sweepInterrupted: false });
      try {
        for (let i = 0; i < siteCount; i++) {
          const siteId = await sites.create(`Site ${i + 1}`);
          await sites.site(siteId).auth.createUser(STAFF.username, STAFF.password, {
            role: 'admin',
            by: { headOffice: BENCH_STAFF.username },
          });
          siteIds.push(siteId);
          for (let index = 0; index < perSite; index++) {
            const { code } = await sites.invite(siteId);
            plans.push({
              siteId,
              code,
              name: `Site ${i + 1} desk ${index + 1}`,
              dataDir: tempDir('sites-desk'),
              index,
              username: STAFF.username,
            });
          }
          if ((i + 1) % 50 === 0) log(`sites: ${i + 1} of ${siteCount} sites made`);
        }
      } finally {
        await sites.close();
      }
    } finally {
      setup.close();
    }

    company = await startServe({ dataDir: photos, database }, {}, 'free', ['--peer-port', '0']);
    const companyPeer = /Frontdesk peers on (\S+)/.exec(company.output())![1]!;

    for (let i = 0; i < hosts; i++) children.push(deskHost());
    await Promise.all(
      children.map((host, i) => {
        const answered = host.next('joined');
        tell(host.child, { type: 'join', companyPeer, desks: plans.filter((_, n) => n % hosts === i) });
        return answered;
      }),
    );
    log(`sites: ${plans.length} desks joined`);
    await Promise.all(
      children.map((host) => {
        const answered = host.next('listening');
        tell(host.child, { type: 'listen' });
        return answered;
      }),
    );
    const desksHeard = await desksHeardFrom(company.url, siteCount * perSite);
    const setupSeconds = round((performance.now() - started) / 1000, 1);
    log(`sites: ${desksHeard} of ${plans.length} desks heard from by the company server after ${setupSeconds} s`);

    const pids = {
      company: company.child.pid!,
      desks: children.map((host) => host.child.pid!),
      postgres: () => postgresPids(cluster.dataDir),
    };
    let probe = answering(company.url);
    const idle = await cpuOver(pids, () => new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000)));
    const idleAnswer = await probe();
    log(`sites: idle ${JSON.stringify(idle.cpu)}`);

    const watcher = arrivals(database, siteIds);
    probe = answering(company.url);
    // The CPU of the morning and of the catching up after it, until every check-in arrived (or a minute passed).
    const morning = await cpuOver(pids, async () => {
      const answers = children.map((host) => host.next('checked'));
      for (const host of children) tell(host.child, { type: 'morning', seconds: morningSeconds, perDeskPerSecond });
      const checked = (await Promise.all(answers)) as Extract<FromDesks, { type: 'checked' }>[];
      const visits = checked.flatMap((answer) => answer.visits);
      return { checked, visits, seen: await watcher.until(visits.length, 60_000) };
    });
    const morningAnswer = await probe();
    const { visits, seen } = morning.value;
    const lags = visits.flatMap(([visitorId, , at]) => {
      const arrived = seen.get(visitorId);
      return arrived === undefined ? [] : [Math.max(0, arrived - at)];
    });
    const sorted = [...lags].sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
    const reachedInMorning = visits.filter(
      ([visitorId]) => (seen.get(visitorId) ?? Infinity) <= watcher.startedAt + morningSeconds * 1000,
    ).length;
    const desksRss = round(
      children.reduce((sum, host) => sum + peakRss(host.child.pid!), 0),
      1,
    );
    const result: SitesRun = {
      sites: siteCount,
      desks_per_site: perSite,
      setup_seconds: setupSeconds,
      desks_heard: desksHeard,
      idle: {
        seconds: idleSeconds,
        cpu: idle.cpu,
        company_percent_per_desk: round(idle.cpu.company / Math.max(1, desksHeard), 3),
        answer_ms: idleAnswer,
      },
      morning: {
        seconds: morningSeconds,
        offered_per_second: round(siteCount * perSite * perDeskPerSecond, 1),
        check_ins: visits.length,
        failed: morning.value.checked.reduce((sum, answer) => sum + answer.failed, 0),
        reached_per_second: round(reachedInMorning / morningSeconds, 1),
        lag_ms: {
          median: Math.round(median(lags.length ? lags : [0])),
          p95: Math.round(pct(0.95)),
          p99: Math.round(pct(0.99)),
          max: Math.round(sorted.at(-1) ?? 0),
          missing: visits.length - lags.length,
        },
        cpu: morning.cpu,
        answer_ms: morningAnswer,
      },
      peak_rss_mib: {
        company: peakRss(company.child.pid!),
        desks: desksRss,
        per_desk: round(desksRss / plans.length, 1),
      },
      saturates_first: saturation(idleAnswer, morning.cpu, morningAnswer, pct(0.99)),
    };
    log(`sites: ${JSON.stringify(result)}`);
    await watcher.close();
    return result;
  } finally {
    for (const host of children) {
      if (host.child.exitCode === null) {
        const ended = new Promise((resolve) => host.child.once('exit', resolve));
        tell(host.child, { type: 'close' });
        await ended;
      }
    }
    await company?.stop();
  }
}

/**
 * Waits until the company server has heard from every desk of every site (GET /v1/sites), for
 * ten minutes at most: how many it had heard from by then, a figure of its own where the
 * machine cannot hold them all.
 */
async function desksHeardFrom(url: string, desks: number): Promise<number> {
  const token = await signIn(url, BENCH_STAFF.username, BENCH_STAFF.password);
  const deadline = Date.now() + 10 * 60_000;
  let heard = 0;
  for (;;) {
    const answer = await fetch(`${url}/v1/sites`, { headers: { authorization: `Token ${token}` } });
    const text = await answer.text();
    if (answer.ok) {
      const { data } = JSON.parse(text) as { data: Array<{ desks: Array<{ last_heard_time: string | null }> }> };
      // A site's desks as the company server lists them: itself not among them.
      heard = data.flatMap((site) => site.desks).filter((desk) => desk.last_heard_time !== null).length;
    } else {
      // Asked again: hundreds of desks catching up at once may keep the server from answering.
      log(`sites: GET /v1/sites answered ${answer.status}: ${text.slice(0, 200)}`);
    }
    if (heard >= desks || Date.now() > deadline) return heard;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/**
 * When each visitor reached the company server's database: its sites' visitors tables read
 * directly every 200 ms, by each site's own numbering, so a visitor is seen within 200 ms of
 * its commit there (its photo is fetched before its batch is applied).
 */
function arrivals(database: string, siteIds: string[]) {
  const client = new pg.Client({ connectionString: database });
  const connected = client.connect();
  const seen = new Map<string, number>();
  const last = new Map(siteIds.map((siteId) => [siteId, 0]));
  const startedAt = Date.now();
  let stopped = false;
  const poll = async (): Promise<void> => {
    await connected;
    while (!stopped) {
      const parts = siteIds.map(
        (siteId) =>
          `SELECT '${siteId}' AS site, seq, visitor_id FROM site_${siteId}.visitors WHERE seq > ${last.get(siteId)}`,
      );
      const { rows } = await client.query<{ site: string; seq: string; visitor_id: string }>(parts.join(' UNION ALL '));
      const now = Date.now();
      for (const row of rows) {
        if (!seen.has(row.visitor_id)) seen.set(row.visitor_id, now);
        last.set(row.site, Math.max(last.get(row.site)!, Number(row.seq)));
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const polling = poll();
  return {
    startedAt,
    /** Waits until `count` visitors were seen, or `ms` passed; when each was. */
    async until(count: number, ms: number): Promise<Map<string, number>> {
      const deadline = Date.now() + ms;
      while (seen.size < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      return seen;
    },
    async close(): Promise<void> {
      stopped = true;
      await polling;
      await client.end();
    },
  };
}

/**
 * How long the company server takes to answer a request that needs no database (the log
 * without a token: 401), asked every 250 ms until the returned function is called: the delay
 * of its one thread, which its CPU figure misses while that thread waits on PostgreSQL.
 */
function answering(url: string): () => Promise<Answering> {
  const times: number[] = [];
  let stopped = false;
  const asking = (async () => {
    while (!stopped) {
      const started = performance.now();
      await (await fetch(`${url}/v1/log/`)).arrayBuffer();
      times.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return async () => {
    stopped = true;
    await asking;
    const sorted = [...times].sort((a, b) => a - b);
    return {
      median: round(median(sorted), 1),
      p99: round(sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))]!, 1),
    };
  };
}

/**
 * What ran out first, read from the figures: the company server's thread already idle, the
 * machine's cores in the morning, the thread then, or neither.
 */
function saturation(idle: Answering, cpu: CpuShares, morning: Answering, p99: number): string {
  const busiest = (['company', 'desks', 'postgres'] as const).reduce((a, b) => (cpu[a] >= cpu[b] ? a : b));
  // Saturated when even the median answer waits: a lone stall shows in the p99, reported beside.
  const slow = (answer: Answering) => answer.median >= 100;
  const what = slow(idle)
    ? `the company server’s thread, already idle (answering in ${idle.median} ms, p99 ${idle.p99} ms)`
    : cpu.machine_percent >= 90
      ? `the machine’s cores (${cpu.machine_percent} % busy, most of it ${busiest})`
      : slow(morning)
        ? `the company server’s thread (answering in ${morning.median} ms, p99 ${morning.p99} ms, at ${cpu.company} % CPU)`
        : `nothing (${cpu.machine_percent} % of the cores busy; the company server answering in ${morning.median} ms)`;
  return `${what}; check-ins reached head office with p99 ${Math.round(p99)} ms`;
}
