import sharp from 'sharp';
import { openContext } from '../src/server/context';
import { BENCH_STAFF, log, median, round, signIn, startServe, tempDir } from './lib';

/**
 * What an attacker on the kiosk can cost it (docs/RELIABILITY.md, Security): thumbnail
 * latency while sign-ins flood in, and the server's peak memory while the worst upload
 * each format allows is sent by several clients at once.
 */
export interface AttackResult {
  thumb_quiet_median_ms: number;
  thumb_during_flood_median_ms: number;
  flood_sign_ins: number;
  concurrent_uploads: number;
  /** Peak RSS of a fresh server process while it handled the uploads, per format. */
  upload_peak_rss_mib: Record<string, number>;
  upload_statuses: Record<string, string>;
}

/** One colour, as large as each format may be: a few KB of file, the most pixels to decode. */
async function worstUploads(): Promise<Record<string, Buffer>> {
  const solid = (width: number, height: number) =>
    sharp({ create: { width, height, channels: 3, background: { r: 180, g: 150, b: 120 } } });
  const gradient = (width: number, height: number) => {
    const pixels = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) pixels.set([x & 255, y & 255, (x + y) & 255], (y * width + x) * 3);
    }
    return sharp(pixels, { raw: { width, height, channels: 3 } });
  };
  return {
    // Progressive JPEG is the costly kind (held whole while it decodes): just under its
    // 48 MB cap (photo-processing.ts), 16 MP.
    jpeg: await solid(4_600, 3_460).jpeg({ quality: 50, progressive: true }).toBuffer(),
    // A PNG holds rows of its width: just under the same cap, and the 50-megapixel limit.
    png: await solid(8_600, 5_800).png({ compressionLevel: 9 }).toBuffer(),
    // A lossless WebP is decoded whole, four bytes a pixel: 12 MP, just under the cap. A
    // gradient, since libwebp decodes a single colour in far less.
    webp: await gradient(3_460, 3_460).webp({ lossless: true }).toBuffer(),
    // Just under the BMP cap, one bit a pixel: a 0.25 MB file that decodes to 2 megapixels.
    bmp: oneBitBmp(1_728, 1_152),
    // A few bytes declaring 100 megapixels: refused before anything is allocated.
    bmp_rle_bomb: rle8Bomb(10_000, 10_000),
  };
}

function oneBitBmp(width: number, height: number): Buffer {
  const rowBytes = Math.ceil(width / 32) * 4;
  const header = Buffer.alloc(14 + 40 + 8);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(header.length + rowBytes * height, 2);
  header.writeUInt32LE(header.length, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(1, 28);
  header.writeUInt32LE(rowBytes * height, 34);
  header.writeUInt32LE(2, 46);
  header.writeUInt32LE(0x00ffffff, 58); // palette: black, white
  return Buffer.concat([header, Buffer.alloc(rowBytes * height, 0xaa)]);
}

function rle8Bomb(width: number, height: number): Buffer {
  const header = Buffer.alloc(14 + 40 + 4 + 2);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(header.length, 2);
  header.writeUInt32LE(58, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(8, 28);
  header.writeUInt32LE(1, 30);
  header.writeUInt32LE(2, 34);
  header.writeUInt32LE(1, 46);
  header.writeUInt16LE(0x0100, 58); // end of bitmap
  return header;
}

function checkInForm(card: number, image: Buffer): FormData {
  const form = new FormData();
  form.set('cardno', String(card));
  form.set('name', 'Bench Attacker');
  form.set('mobile', '+447700900123');
  form.set('purpose', 'Benchmark');
  form.set('image', new Blob([new Uint8Array(image)]), 'upload');
  return form;
}

async function timedThumb(url: string, token: string, id: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/photo/thumb/${id}`, { headers: { authorization: `Token ${token}` } });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`thumbnail answered ${response.status}`);
  return performance.now() - started;
}

async function prepared(label: string): Promise<string> {
  const dataDir = tempDir(label);
  const ctx = await openContext({ dataDir });
  await ctx.auth.createFirstUser(BENCH_STAFF.username, BENCH_STAFF.password);
  ctx.close();
  return dataDir;
}

export async function benchAttacks(quick: boolean): Promise<AttackResult> {
  const rounds = quick ? 5 : 30;
  const floodSize = 40;
  const concurrent = quick ? 2 : 8;

  log('attacks: thumbnail latency during a sign-in flood');
  const server = await startServe(await prepared('flood'));
  const token = await signIn(server.url, BENCH_STAFF.username, BENCH_STAFF.password);
  const added = await fetch(`${server.url}/v1/add/`, {
    method: 'POST',
    headers: { authorization: `Token ${token}` },
    body: checkInForm(
      1,
      await sharp({ create: { width: 640, height: 480, channels: 3, background: '#876' } })
        .jpeg()
        .toBuffer(),
    ),
  });
  const id = ((await added.json()) as { visitor_id: string }).visitor_id;
  const quiet: number[] = [];
  for (let i = 0; i < rounds; i++) quiet.push(await timedThumb(server.url, token, id));
  const during: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Each round a fresh client address cannot be faked on loopback: usernames vary instead,
    // and the per-client limit lets 20 of each flood reach scrypt.
    const flood = Array.from({ length: floodSize }, (_, n) =>
      fetch(`${server.url}/v1/oauth/`, {
        method: 'POST',
        body: new URLSearchParams({ username: `flood-${i}-${n}`, password: 'wrong password' }),
      }).then((response) => response.arrayBuffer()),
    );
    during.push(await timedThumb(server.url, token, id));
    await Promise.all(flood);
  }
  await server.stop();

  const uploads = await worstUploads();
  const peaks: Record<string, number> = {};
  const statuses: Record<string, string> = {};
  for (const [format, bytes] of Object.entries(uploads)) {
    log(`attacks: ${concurrent} concurrent worst-case ${format} uploads (${round(bytes.length / 1024, 1)} KiB each)`);
    const target = await startServe(await prepared(`bomb-${format}`));
    const uploadToken = await signIn(target.url, BENCH_STAFF.username, BENCH_STAFF.password);
    const answers = await Promise.all(
      Array.from({ length: concurrent }, (_, n) =>
        fetch(`${target.url}/v1/add/`, {
          method: 'POST',
          headers: { authorization: `Token ${uploadToken}` },
          body: checkInForm(100 + n, bytes),
        }).then(
          async (response) =>
            `${response.status}${response.ok ? '' : ` ${((await response.json()) as { errors: { code: string } }).errors.code}`}`,
        ),
      ),
    );
    peaks[format] = target.peakRssMiB();
    statuses[format] = [...new Set(answers)].join(', ');
    await target.stop();
  }

  return {
    thumb_quiet_median_ms: round(median(quiet)),
    thumb_during_flood_median_ms: round(median(during)),
    flood_sign_ins: floodSize,
    concurrent_uploads: concurrent,
    upload_peak_rss_mib: peaks,
    upload_statuses: statuses,
  };
}
