import { openContext } from '../src/server/context';
import { cameraJpeg, checkInForm } from './checkin';
import { BENCH_STAFF, log, median, round, signIn, startServe, tempDir, type ServeProcess } from './lib';

export interface ReplicationResult {
  /** From a check-in's answer at one desk to its event on the other desk's open stream. */
  lag_ms: { median: number; p95: number; max: number; samples: number };
  /** A desk that was off while the other checked visitors in (photos included), back on. */
  catch_up: { visitors: number; seconds: number; visitors_per_second: number };
}

/**
 * Two desks of one site (shared/API.md Part 3), each the real server in its own process on
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
    const samples = quick ? 4 : 30;
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

    // Catch-up: the side desk off while the front desk checks visitors in.
    await side.stop();
    const missed = quick ? 20 : 200;
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
    log(`catch-up: ${missed} visitors in ${round(seconds, 1)} s`);
    return {
      lag_ms: {
        median: round(median(lags), 0),
        p95: round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!, 0),
        max: round(sorted.at(-1)!, 0),
        samples,
      },
      catch_up: { visitors: missed, seconds: round(seconds, 1), visitors_per_second: round(missed / seconds, 1) },
    };
  } finally {
    await side.stop();
    await front.stop();
  }
}
