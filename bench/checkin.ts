import http from 'node:http';
import sharp from 'sharp';
import { portraitPixels } from '../src/cli/seed/portrait';
import { openContext } from '../src/server/context';
import {
  balancedOrder,
  BENCH_STAFF,
  log,
  median,
  pairedRatio,
  round,
  signIn,
  startServe,
  tempDir,
  type PairedRatio,
} from './lib';

/**
 * A 12-megapixel camera-like JPEG of about 3.5 MB: a portrait with the sensor grain of a
 * lobby's indoor light (±16 levels), at a phone camera's quality 90.
 */
export async function cameraJpeg(): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  const pixels = portraitPixels(width, height, 12);
  let state = 99;
  for (let i = 0; i < pixels.length; i++) {
    state = (state * 1664525 + 1013904223) >>> 0;
    pixels[i] = Math.min(255, Math.max(0, pixels[i]! + ((state >>> 24) % 33) - 16));
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A kiosk webcam's frame of the seeded portrait, without grain: the same bytes for every check-in made with it. */
export function webcamFrame(width: number, height: number, quality: number): Promise<Buffer> {
  return sharp(portraitPixels(width, height, 7), { raw: { width, height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
}

/** The floor: sharp alone making the same thumbnail from the same bytes, in this process. */
function bareThumbnail(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes)
    .autoOrient()
    .resize(320, 320, { fit: 'outside', withoutEnlargement: true })
    .jpeg({ quality: 80, mozjpeg: true })
    .toBuffer();
}

/** A POST of a prepared body; the answer's status and text. */
function post(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
  agent: http.Agent,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': body.length },
      agent,
    });
    request.once('error', reject);
    request.once('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      response.once('error', reject);
    });
    request.end(body);
  });
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 150));

/** The bench process's own garbage collection, before a timed call rather than inside it. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * How long `call` takes, started once this process has collected its garbage and then paused
 * (settle): a collection leaves sweeping to background threads, which on two cores run beside
 * whatever follows (a small sharp call right after one took 7–9 ms, 4 ms after the pause).
 */
export async function timeQuietly(call: () => Promise<unknown>): Promise<number> {
  collectGarbage();
  await settle();
  const started = performance.now();
  await call();
  return performance.now() - started;
}

/** A check-in of a body encoded beforehand (multipartBody) to the server at `url`; throws unless it answers 200. */
export async function sendCheckIn(
  url: string,
  token: string,
  { body, contentType }: { body: Buffer; contentType: string },
  agent: http.Agent,
): Promise<void> {
  const { status, text } = await post(
    `${url}/v1/add/`,
    body,
    { authorization: `Token ${token}`, 'content-type': contentType },
    agent,
  );
  if (status !== 200) throw new Error(`check-in at ${url} failed: ${text}`);
}

/** The check-in form, as the desk's renderer builds it. */
export function checkInForm(card: number, photo: Blob, visiteeNo?: number): FormData {
  const form = new FormData();
  form.set('cardno', String(card));
  form.set('name', 'Bench Visitor');
  form.set('mobile', '+447700900123');
  form.set('purpose', 'Benchmark');
  if (visiteeNo !== undefined) form.set('visitee_no', String(visiteeNo));
  form.set('image', photo, 'camera.jpg');
  return form;
}

export async function multipartBody(
  card: number,
  image: Buffer,
  visiteeNo?: number,
): Promise<{ body: Buffer; contentType: string }> {
  const form = checkInForm(card, new Blob([new Uint8Array(image)], { type: 'image/jpeg' }), visiteeNo);
  const request = new Request('http://encoder.invalid/', { method: 'POST', body: form });
  return { body: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type')! };
}

/** `ratio`: the server's check-in against the bare thumbnail of the same round (lib.ts pairedRatio). */
export interface CheckInResult extends PairedRatio {
  image_bytes: number;
  rounds: number;
  checkin_median_ms: number;
  /** The desk's way: FormData built and sent by fetch, as the renderer does, clock around both. */
  desk_median_ms: number;
  /** Against the bare thumbnail of the same round. */
  desk: PairedRatio;
  /** The check-in service called in-process: no upload, no multipart parsing. */
  service_median_ms: number;
  /** Against the bare thumbnails of its own rounds, after the server's. */
  service: PairedRatio;
  bare_sharp_median_ms: number;
  per_second: Record<string, number>;
  server_peak_rss_mib: number;
}

/**
 * Timed calls in rounds, after `warmUps` rounds untimed: each round calls every kind once, in
 * a balanced order (lib.ts), each after a pause (timeQuietly). A desk's check-ins are seconds
 * apart: what one leaves running in the background (the server's collection after a photo)
 * must not land in the next figure.
 */
async function inRounds<K extends string>(
  kinds: Record<K, () => Promise<number>>,
  warmUps: number,
  rounds: number,
): Promise<Record<K, number[]>> {
  const names = Object.keys(kinds) as K[];
  for (let i = 0; i < warmUps; i++) for (const name of names) await kinds[name]();
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < rounds; i++) {
    for (const name of balancedOrder(names, i)) times[name].push(await kinds[name]());
  }
  return times;
}

export async function benchCheckIn(quick: boolean): Promise<CheckInResult> {
  const dataDir = tempDir('checkin');
  const ctx = await openContext({ dataDir });
  await ctx.auth.createFirstUser(BENCH_STAFF.username, BENCH_STAFF.password);
  ctx.close();
  const server = await startServe(dataDir);
  const agent = new http.Agent({ keepAlive: true });
  try {
    const token = await signIn(server.url, BENCH_STAFF.username, BENCH_STAFF.password);
    const image = await cameraJpeg();
    log(`check-in: ${(image.length / 1e6).toFixed(2)} MB, 4000×3000 JPEG`);
    let card = 1;
    // The figure is the server's: the body is encoded before the clock starts and sent as
    // one buffer by node:http, and this process collects its own garbage before each timed
    // call (the floor's too), so neither the client's encoder, its copies nor its pauses
    // are counted.
    const checkIn = async (): Promise<number> => {
      const form = await multipartBody(card++, image);
      return timeQuietly(() => sendCheckIn(server.url, token, form, agent));
    };
    // The desk's own way (renderer/src/api): a FormData of the photo's Blob sent by fetch,
    // the clock around building and sending it; the same pauses and collections as above.
    const deskCheckIn = async (): Promise<number> => {
      const photo = new Blob([new Uint8Array(image)], { type: 'image/jpeg' });
      return timeQuietly(async () => {
        const response = await fetch(`${server.url}/v1/add/`, {
          method: 'POST',
          headers: { authorization: `Token ${token}` },
          body: checkInForm(card++, photo),
        });
        const text = await response.text();
        if (response.status !== 200) throw new Error(`check-in failed: ${text}`);
      });
    };
    const bare = (): Promise<number> => timeQuietly(() => bareThumbnail(image));

    // Warm every path up before measuring: the server's multipart parser and sharp are
    // compiled and sized after a few check-ins, as on a desk after its first visitors.
    const warmUps = quick ? 2 : 8;
    const rounds = quick ? 3 : 25;
    const { ours, desk, floor } = await inRounds({ ours: checkIn, desk: deskCheckIn, floor: bare }, warmUps, rounds);

    // The same check-in without HTTP (decoding, thumbnail, durable files and commits only), on
    // a store of its own in this process, against bare thumbnails of its own rounds: opened
    // only now, so that its store's chores and collections in this process fall on none of
    // the server's check-ins.
    const service = await openContext({ dataDir: tempDir('checkin-service') });
    const staff = service.writes.run(() => service.repositories.users.insert('bench', 'unused', 0));
    const inProcessCheckIn = (): Promise<number> =>
      timeQuietly(() =>
        service.visitors.checkIn({ cardno: card++, name: 'Bench', mobile: '1234567', purpose: 'Bench' }, image, staff),
      );
    const inProcessTimes = await inRounds({ inProcess: inProcessCheckIn, floor: bare }, warmUps, rounds);
    service.close();
    const inProcess = inProcessTimes.inProcess;

    const perSecond: Record<string, number> = {};
    for (const clients of [1, 2, 8]) {
      const total = quick ? 8 : 32;
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (next++ < total) await sendCheckIn(server.url, token, await multipartBody(card++, image), agent);
        }),
      );
      perSecond[`clients_${clients}`] = round(total / ((performance.now() - started) / 1000));
    }
    const result = {
      image_bytes: image.length,
      rounds,
      checkin_median_ms: round(median(ours)),
      desk_median_ms: round(median(desk)),
      desk: pairedRatio(desk, floor),
      service_median_ms: round(median(inProcess)),
      service: pairedRatio(inProcess, inProcessTimes.floor),
      bare_sharp_median_ms: round(median(floor)),
      ...pairedRatio(ours, floor),
      per_second: perSecond,
      server_peak_rss_mib: server.peakRssMiB(),
    };
    log(`check-in: ${JSON.stringify(result)}`);
    return result;
  } finally {
    agent.destroy();
    await server.stop();
  }
}
