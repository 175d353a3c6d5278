import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { openContext } from '../src/server/context';
import { cameraJpeg, checkInForm } from './checkin';
import { BENCH_STAFF, log, median, round, signIn, startServe, tempDir, type ServeProcess } from './lib';

export interface ReplicationResult {
  /** From a check-in's answer at one desk to its event on the other desk's open stream. */
  lag_ms: { median: number; p95: number; p99: number; max: number; samples: number };
  /** A desk that was off while the other checked visitors in (12 MP photos included), back on. */
  catch_up: {
    visitors: number;
    seconds: number;
    visitors_per_second: number;
    /** The catching-up desk's peak resident set size (VmHWM), in MiB. */
    peak_rss_mib: number;
    /** Photo bytes (originals and thumbnails) it fetched, in MB, and how fast. */
    photo_mb: number;
    mb_per_second: number;
  };
  /** The floor: the same photo bytes, one request each, over a TLS link between the same kind of endpoints. */
  tls_floor: { seconds: number; mb_per_second: number };
}

/** The bytes of every file under a folder. */
function folderBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).reduce((sum, entry) => {
    return entry.isFile() ? sum + fs.statSync(path.join(entry.parentPath, entry.name)).size : sum;
  }, 0);
}

/**
 * The floor of fetching photos from another desk: an HTTPS server with a desk's own key and
 * certificate, and a client pinning it over one kept-alive connection, fetching each original
 * and thumbnail in turn, as a desk catching up does, with nothing else to do.
 */
async function tlsCopyFloor(keyPem: string, certificatePem: string, sizes: number[]): Promise<number> {
  const largest = Buffer.alloc(Math.max(...sizes), 7);
  const server = https.createServer({ key: keyPem, cert: certificatePem }, (request, response) => {
    const size = Number(new URL(request.url ?? '/', 'https://floor').searchParams.get('size'));
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
    response.end(largest.subarray(0, size));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  const started = performance.now();
  for (const size of sizes) {
    await new Promise<void>((resolve, reject) => {
      https
        .get(
          {
            host: '127.0.0.1',
            port,
            path: `/?size=${size}`,
            agent,
            ca: certificatePem,
            checkServerIdentity: () => undefined,
          },
          (response) => {
            let got = 0;
            response.on('data', (chunk: Buffer) => (got += chunk.length));
            response.on('end', () => (got === size ? resolve() : reject(new Error('short read'))));
          },
        )
        .on('error', reject);
    });
  }
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  await new Promise((resolve) => server.close(resolve));
  return seconds;
}

/**
 * Two desks of one site (API contract Part 3), each the real server in its own process on
 * loopback, exchanging changes over their TLS peer listeners. Target: a check-in at one desk
 * is on the other's open screens within 2 s.
 */
export async function benchReplication(quick: boolean): Promise<ReplicationResult> {
  const photo = new Blob([new Uint8Array(await cameraJpeg())], { type: 'image/jpeg' });
  const frontDir = tempDir('site-front');
  const sideDir = tempDir('site-side');
  const setup = await openContext({ dataDir: frontDir });
  await setup.auth.createFirstUser(BENCH_STAFF.username, BENCH_STAFF.password);
  await setup.site.create('Bench site', 'Front');
  setup.close();
  const front = await startServe(frontDir, {}, 'free', ['--peer-port', '0']);
  const peer = /Frontdesk peers on (\S+)/.exec(front.output())?.[1];
  if (!peer) throw new Error('the first desk did not listen for peers');
  const inviting = await openContext({ dataDir: frontDir, sweepInterrupted: false });
  const { code } = inviting.site.invite();
  inviting.close();
  const joining = await openContext({ dataDir: sideDir });
  await joining.site.join(peer, code, 'Side', null);
  joining.close();
  let side: ServeProcess = await startServe(sideDir, {}, 'free', ['--peer-port', '0']);
  try {
    const frontToken = await signIn(front.url, BENCH_STAFF.username, BENCH_STAFF.password);
    const checkIn = async (card: number): Promise<string> => {
      const response = await fetch(`${front.url}/v1/add/`, {
        method: 'POST',
        headers: { authorization: `Token ${frontToken}` },
        body: checkInForm(card, photo),
      });
      return ((await response.json()) as { visitor_id: string }).visitor_id;
    };

    // Lag: the side desk's open event stream, as its screen has it.
    const sideToken = await signIn(side.url, BENCH_STAFF.username, BENCH_STAFF.password);
    const listening = new AbortController();
    const stream = await fetch(`${side.url}/v1/events`, {
      headers: { authorization: `Token ${sideToken}` },
      signal: listening.signal,
    });
    const arrived = new Map<string, number>();
    void (async () => {
      const decoder = new TextDecoder();
      let text = '';
      for await (const chunk of stream.body!) {
        text += decoder.decode(chunk, { stream: true });
        for (const match of text.matchAll(/"visitor_id":"([A-Za-z0-9_-]{22})"/g)) {
          if (!arrived.has(match[1]!)) arrived.set(match[1]!, performance.now());
        }
        text = text.slice(-200);
      }
    })().catch(() => undefined);
    const samples = quick ? 4 : 60;
    const lags: number[] = [];
    for (let i = 0; i < samples; i++) {
      const id = await checkIn(100 + i);
      const answered = performance.now();
      const deadline = answered + 30_000;
      while (!arrived.has(id) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      lags.push((arrived.get(id) ?? Number.NaN) - answered);
      // Uneven spacing, so that check-ins land at every point of the other desk's round.
      await new Promise((resolve) => setTimeout(resolve, 300 + ((i * 373) % 900)));
    }
    listening.abort();
    const sorted = [...lags].sort((a, b) => a - b);
    log(`replication lag: median ${round(median(lags), 0)} ms, max ${round(sorted.at(-1)!, 0)} ms`);

    // Catch-up: the side desk off during a busy day while the front desk checks visitors in.
    await side.stop();
    const photosBefore = folderBytes(path.join(sideDir, 'photos'));
    const missed = quick ? 20 : 1000;
    for (let i = 0; i < missed; i++) await checkIn(1000 + i);
    const started = performance.now();
    side = await startServe(sideDir, {}, 'free');
    const token = await signIn(side.url, BENCH_STAFF.username, BENCH_STAFF.password);
    const total = samples + missed;
    for (;;) {
      const response = await fetch(`${side.url}/v1/get/`, { headers: { authorization: `Token ${token}` } });
      const onSite = ((await response.json()) as { data: unknown[] }).data.length;
      if (onSite >= total) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    const peakRss = side.peakRssMiB();
    const photoBytes = folderBytes(path.join(sideDir, 'photos')) - photosBefore;
    log(`catch-up: ${missed} visitors in ${round(seconds, 1)} s, peak RSS ${round(peakRss, 0)} MiB`);

    // The floor: the same photo files, each its own request, over TLS with a desk's key.
    const peerDir = path.join(frontDir, 'peer');
    const sizes = photoSizes(sideDir, missed);
    const floorSeconds = await tlsCopyFloor(
      fs.readFileSync(path.join(peerDir, 'desk-key.pem'), 'utf8'),
      fs.readFileSync(path.join(peerDir, 'desk-certificate.pem'), 'utf8'),
      sizes,
    );
    const floorBytes = sizes.reduce((sum, size) => sum + size, 0);
    log(`TLS floor: ${round(floorBytes / 1e6, 0)} MB in ${round(floorSeconds, 1)} s`);
    const percentile = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!, 0);
    return {
      lag_ms: {
        median: round(median(lags), 0),
        p95: percentile(0.95),
        p99: percentile(0.99),
        max: round(sorted.at(-1)!, 0),
        samples,
      },
      catch_up: {
        visitors: missed,
        seconds: round(seconds, 1),
        visitors_per_second: round(missed / seconds, 1),
        peak_rss_mib: round(peakRss, 0),
        photo_mb: round(photoBytes / 1e6, 0),
        mb_per_second: round(photoBytes / 1e6 / seconds, 1),
      },
      tls_floor: { seconds: round(floorSeconds, 1), mb_per_second: round(floorBytes / 1e6 / floorSeconds, 1) },
    };
  } finally {
    await side.stop();
    await front.stop();
  }
}

/** The sizes of the photo files the catching-up desk fetched: the newest `count` originals and their thumbnails. */
function photoSizes(dataDir: string, count: number): number[] {
  const files = ['originals', 'thumbs'].flatMap((kind) => {
    const dir = path.join(dataDir, 'photos', kind);
    return fs
      .readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile())
      .map((entry) => fs.statSync(path.join(entry.parentPath, entry.name)));
  });
  return files
    .sort((a, b) => b.mtimeMs - a.mtimeMs)
    .slice(0, count * 2)
    .map((file) => file.size);
}
