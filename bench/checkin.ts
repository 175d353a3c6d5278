import sharp from 'sharp';
import { portraitPixels } from '../src/cli/seed/portrait';
import { openContext } from '../src/server/context';
import { BENCH_STAFF, log, median, round, signIn, startServe, tempDir } from './lib';

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

/** The floor: sharp alone making the same thumbnail from the same bytes, in this process. */
function bareThumbnail(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes)
    .autoOrient()
    .resize(320, 320, { fit: 'outside', withoutEnlargement: true })
    .jpeg({ quality: 80, mozjpeg: true })
    .toBuffer();
}

async function multipartBody(card: number, image: Buffer): Promise<{ body: ArrayBuffer; contentType: string }> {
  const form = new FormData();
  form.set('cardno', String(card));
  form.set('name', 'Bench Visitor');
  form.set('mobile', '+447700900123');
  form.set('purpose', 'Benchmark');
  form.set('image', new Blob([new Uint8Array(image)], { type: 'image/jpeg' }), 'camera.jpg');
  const request = new Request('http://encoder.invalid/', { method: 'POST', body: form });
  return { body: await request.arrayBuffer(), contentType: request.headers.get('content-type')! };
}

export interface CheckInResult {
  image_bytes: number;
  rounds: number;
  checkin_median_ms: number;
  /** The check-in service called in-process: no upload, no multipart parsing. */
  service_median_ms: number;
  service_ratio: number;
  bare_sharp_median_ms: number;
  ratio: number;
  per_second: Record<string, number>;
  server_peak_rss_mib: number;
}

export async function benchCheckIn(quick: boolean): Promise<CheckInResult> {
  const dataDir = tempDir('checkin');
  const ctx = await openContext({ dataDir });
  await ctx.auth.createUser(BENCH_STAFF.username, BENCH_STAFF.password);
  ctx.close();
  const server = await startServe(dataDir);
  try {
    const token = await signIn(server.url, BENCH_STAFF.username, BENCH_STAFF.password);
    const image = await cameraJpeg();
    log(`check-in: ${(image.length / 1e6).toFixed(2)} MB, 4000×3000 JPEG`);
    let card = 1;
    const checkIn = async (): Promise<number> => {
      // The body is encoded before the clock starts: the figure is the server's, not the client's encoder.
      const { body, contentType } = await multipartBody(card++, image);
      const started = performance.now();
      const response = await fetch(`${server.url}/v1/add/`, {
        method: 'POST',
        body,
        headers: { authorization: `Token ${token}`, 'content-type': contentType },
      });
      if (response.status !== 200) throw new Error(`check-in failed: ${await response.text()}`);
      return performance.now() - started;
    };
    const bare = async (): Promise<number> => {
      const started = performance.now();
      await bareThumbnail(image);
      return performance.now() - started;
    };

    await checkIn(); // warm both paths up before measuring
    await bare();
    const rounds = quick ? 3 : 15;
    const ours: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < rounds; i++) {
      ours.push(await checkIn());
      floor.push(await bare());
    }

    // The same check-in without HTTP: decoding, thumbnail, durable files and commits only.
    const service = await openContext({ dataDir: tempDir('checkin-service') });
    const staff = service.repositories.users.insert('bench', 'unused', 0);
    const inProcess: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      await service.visitors.checkIn(
        { cardno: i + 1, name: 'Bench', mobile: '1234567', purpose: 'Bench' },
        image,
        staff,
      );
      inProcess.push(performance.now() - started);
    }
    service.close();

    const perSecond: Record<string, number> = {};
    for (const clients of [1, 2, 8]) {
      const total = quick ? 8 : 32;
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (next++ < total) await checkIn();
        }),
      );
      perSecond[`clients_${clients}`] = round(total / ((performance.now() - started) / 1000));
    }
    const result = {
      image_bytes: image.length,
      rounds,
      checkin_median_ms: round(median(ours)),
      service_median_ms: round(median(inProcess)),
      service_ratio: round(median(inProcess) / median(floor)),
      bare_sharp_median_ms: round(median(floor)),
      ratio: round(median(ours) / median(floor)),
      per_second: perSecond,
      server_peak_rss_mib: server.peakRssMiB(),
    };
    log(`check-in: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await server.stop();
  }
}
