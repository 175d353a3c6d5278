import net from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JPEG_MAX_SCANS, jpegScanCount } from '../../src/server/media/image-format';
import { makeImage } from '../helpers/images';
import { checkInForm, errorCode, startTestServer, type TestServer } from '../helpers/server';

/** A BMP whose header declares width × height, compressed with RLE8, holding only "end of bitmap". */
function rleBombBmp(width: number, height: number): Buffer {
  const palette = Buffer.from([0, 0, 0, 0]);
  const pixels = Buffer.from([0x00, 0x01]);
  const dib = Buffer.alloc(40);
  dib.writeUInt32LE(40, 0);
  dib.writeInt32LE(width, 4);
  dib.writeInt32LE(height, 8);
  dib.writeUInt16LE(1, 12);
  dib.writeUInt16LE(8, 14);
  dib.writeUInt32LE(1, 16); // BI_RLE8
  dib.writeUInt32LE(pixels.length, 20);
  dib.writeUInt32LE(1, 32); // one palette colour
  const header = Buffer.alloc(14);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(14 + 40 + palette.length + pixels.length, 2);
  header.writeUInt32LE(14 + 40 + palette.length, 10);
  return Buffer.concat([header, dib, palette, pixels]);
}

interface RawExchange {
  /** What the server sent before it closed the connection. */
  response: string;
  /** Whether the client was still sending the body when the answer came. */
  answeredMidBody: boolean;
}

/**
 * Sends the request head, then the body a piece at a time, until the server answers and
 * closes. `body` yields the pieces; the generator stops being read once the answer is in.
 */
function trickle(port: number, head: string, body: () => Iterator<Buffer>, pauseMs: number): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let response = '';
    let finished = false;
    let sending = true;
    const pieces = body();
    socket.on('data', (chunk) => (response += chunk.toString('latin1')));
    socket.on('error', (error) => (response ? undefined : reject(error)));
    socket.on('close', () => {
      finished = true;
      resolve({ response, answeredMidBody: sending });
    });
    socket.write(head);
    const next = (): void => {
      if (finished || response) return;
      const piece = pieces.next();
      if (piece.done) {
        sending = false;
        return;
      }
      socket.write(piece.value);
      setTimeout(next, pauseMs);
    };
    next();
  });
}

function statusOf(response: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
}

function codeOf(response: string): string | undefined {
  const body = response.slice(response.indexOf('\r\n\r\n') + 4);
  return (JSON.parse(body) as { errors?: { code?: string } }).errors?.code;
}

describe('uploads from clients that misbehave', () => {
  let server: TestServer;
  beforeAll(async () => {
    // A short request deadline so the slow-body test takes seconds, not the default minute.
    server = await startTestServer({ timeouts: { requestMs: 1500 } });
  });
  afterAll(() => server.stop());

  it.each([
    [10_000, 10_000, 400, '2400'], // more pixels than any BMP may have
    [1400, 1400, 415, '2415'], // under the cap, but run-length encoded: never decoded
    [8_000_000, -1, 400, '2400'], // bottom-up, the shape whose escape codes froze the decoder
  ])('refuses an RLE8 BMP of a few bytes that declares %i×%i pixels', async (width, height, status, code) => {
    const bomb = rleBombBmp(width, height);
    expect(bomb.length).toBe(60);
    const response = await server.api('/v1/add/', { method: 'POST', body: checkInForm(bomb, {}, 'bomb.bmp') });
    expect(response.status).toBe(status);
    expect(await errorCode(response)).toBe(code);
    expect(server.context.visitors.onSite()).toEqual([]);
  });

  it('refuses a JPEG with far more scans than a camera writes, before decoding it', async () => {
    const jpeg = await makeImage('jpeg', 64, 64);
    // An APP15 segment full of start-of-scan markers, inserted after the SOI marker.
    const markers = Buffer.alloc(2 * (JPEG_MAX_SCANS + 1));
    for (let i = 0; i < markers.length; i += 2) markers.set([0xff, 0xda], i);
    const segment = Buffer.concat([Buffer.from([0xff, 0xef]), Buffer.alloc(2), markers]);
    segment.writeUInt16BE(segment.length - 2, 2);
    const bomb = Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
    expect(jpegScanCount(jpeg)).toBeLessThan(10);
    const response = await server.api('/v1/add/', { method: 'POST', body: checkInForm(bomb) });
    expect(response.status).toBe(415);
    expect(await errorCode(response)).toBe('2415');
  });

  it('refuses a progressive JPEG too large to hold whole while decoding, and takes the baseline one of its size', async () => {
    // 5000 × 4000 RGB: 60 MB held whole while a progressive JPEG decodes (over the 48 MB a
    // decode may hold); a baseline JPEG of the same pixels is shrunk as it is read.
    const pixels = sharp({ create: { width: 5000, height: 4000, channels: 3, background: '#a08060' } });
    const progressive = await pixels.clone().jpeg({ progressive: true }).toBuffer();
    const baseline = await pixels.clone().jpeg().toBuffer();
    const refused = await server.api('/v1/add/', { method: 'POST', body: checkInForm(progressive) });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      success: false,
      errors: { code: '2400', message: 'The image is too large to decode: save it as a baseline JPEG or smaller.' },
    });
    expect(server.context.visitors.onSite()).toEqual([]);
    const taken = await server.api('/v1/add/', { method: 'POST', body: checkInForm(baseline) });
    expect(taken.status).toBe(200);
    const [visitor] = server.context.visitors.onSite();
    expect(visitor).toMatchObject({ has_photo: true, photo_width: 5000, photo_height: 4000 });
    await server.api(`/v1/exit/${visitor!.visitor_id}`, { method: 'POST' });
  });

  it('answers a malformed form with 1190 without a token and 2400 with one, never 5501', async () => {
    for (const body of ['--x\r\nContent-Disposition: form-data; name="cardno"\r\n\r\n7', 'no boundary at all']) {
      for (const [auth, status, code] of [
        [false, 401, '1190'],
        [true, 400, '2400'],
      ] as const) {
        const response = await server.api('/v1/add/', {
          method: 'POST',
          auth,
          headers: {
            'content-type': body.startsWith('--') ? 'multipart/form-data; boundary=x' : 'multipart/form-data',
          },
          body,
        });
        expect([response.status, await errorCode(response)]).toEqual([status, code]);
      }
    }
  });

  it('answers 1190 to a check-in without a token before reading its image', async () => {
    const boundary = 'no-token';
    const head =
      `POST /v1/add/ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
      `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${5 * 1024 * 1024}\r\n\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="cardno"\r\n\r\n7\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n` +
      'Content-Type: image/jpeg\r\n\r\n';
    // A megabyte of the image, then silence: the answer must not wait for the rest.
    const exchange = await trickle(
      server.port,
      head,
      function* () {
        for (let i = 0; i < 16; i++) yield Buffer.alloc(64 * 1024, 0xff);
        for (;;) yield Buffer.alloc(0);
      },
      20,
    );
    expect(statusOf(exchange.response)).toBe(401);
    expect(codeOf(exchange.response)).toBe('1190');
    expect(exchange.answeredMidBody).toBe(true);
  });

  it('answers 1190, not a form error, to a whole check-in form without a token', async () => {
    const response = await server.api('/v1/add/', { method: 'POST', body: checkInForm(null), auth: false });
    expect(await errorCode(response)).toBe('1190');
  });

  it('closes a request whose body trickles in slower than the deadline allows', async () => {
    const head =
      `POST /v1/oauth/ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
      'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n';
    const exchange = await trickle(
      server.port,
      head,
      function* () {
        for (;;) yield Buffer.from('a');
      },
      200,
    );
    expect(statusOf(exchange.response)).toBe(408);
    expect(codeOf(exchange.response)).toBe('2400');
    expect(exchange.answeredMidBody).toBe(true);
  });
});
