import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discardPhoto, photoQueue, photoSlot } from '../../src/server/media/photo-memory';
import { makeImage } from '../helpers/images';
import { checkInForm, errorCode, startTestServer, type TestServer } from '../helpers/server';

/** Waits for a condition the server reaches on its own; the test's timeout bounds it. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * A check-in whose photo starts to arrive and then stalls: its fields and the first bytes
 * of the image part are sent, the rest never is.
 */
function stalledCheckIn(server: TestServer, card: number): net.Socket {
  const boundary = 'stalled-boundary';
  const field = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const head =
    field('cardno', String(card)) +
    field('name', 'Stalled Upload') +
    field('mobile', '+447700900123') +
    field('purpose', 'Meeting') +
    `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
  const socket = net.connect(server.port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(
    `POST /v1/add/ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Token ${server.token}\r\n` +
      `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 1000000\r\n\r\n${head}\xff\xd8\xff`,
  );
  return socket;
}

/** The first answer on a raw socket: its status line and body. */
function answerOn(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.once('close', () => resolve(text));
  });
}

/**
 * A server of this describe block's own, with the given photo timeouts, and a small JPEG.
 * The queue it reports on (`photoQueue`) is this process's, shared by all of them: each
 * test leaves it empty.
 */
function deskWith(timeouts: { photoArrivalMs: number; photoWaitMs: number }) {
  const desk = { server: undefined as unknown as TestServer, jpeg: Buffer.alloc(0) as Buffer };
  beforeAll(async () => {
    desk.server = await startTestServer({ timeouts });
    desk.jpeg = await makeImage('jpeg', 640, 480);
  });
  afterAll(() => desk.server.stop());
  return desk;
}

const visitorCount = (server: TestServer): number =>
  (server.context.db.prepare('SELECT count(*) AS n FROM visitors').get() as { n: number }).n;

describe('photos held in memory at once', () => {
  // Turns long enough that nothing here runs out unless a test means it to.
  const desk = deskWith({ photoArrivalMs: 30_000, photoWaitMs: 30_000 });

  it('reads three photos at once, keeps 64 waiting unread, turns the next away with 5501, and frees every turn of an abandoned upload', async () => {
    const holders = Array.from({ length: 3 }, (_, i) => stalledCheckIn(desk.server, 100 + i));
    await until(() => photoQueue().inMemory === 3);
    const waiters = Array.from({ length: 64 }, (_, i) => stalledCheckIn(desk.server, 200 + i));
    await until(() => photoQueue().waiting === 64);

    const before = visitorCount(desk.server);
    const turnedAway = await desk.server.api('/v1/add/', { method: 'POST', body: checkInForm(desk.jpeg) });
    expect(turnedAway.status).toBe(503);
    expect(turnedAway.headers.get('retry-after')).toBe('1');
    expect(await errorCode(turnedAway)).toBe('5501');
    expect(visitorCount(desk.server)).toBe(before);

    // Waiters that go away give their places up at once, while the turns are still held.
    for (const socket of waiters) socket.destroy();
    await until(() => photoQueue().waiting === 0);
    expect(photoQueue().inMemory).toBe(3);
    for (const socket of holders) socket.destroy();
    await until(() => photoQueue().inMemory === 0);
    const accepted = await desk.server.api('/v1/add/', { method: 'POST', body: checkInForm(desk.jpeg) });
    expect(accepted.status).toBe(200);
    expect(visitorCount(desk.server)).toBe(before + 1);
  });

  it('lets a queued check-in through once a turn is free', async () => {
    const sockets = Array.from({ length: 3 }, (_, i) => stalledCheckIn(desk.server, 300 + i));
    await until(() => photoQueue().inMemory === 3);
    const queued = desk.server.api('/v1/add/', { method: 'POST', body: checkInForm(desk.jpeg) });
    await until(() => photoQueue().waiting === 1);
    sockets[0]!.destroy();
    expect((await queued).status).toBe(200);
    for (const socket of sockets) socket.destroy();
    await until(() => photoQueue().inMemory === 0);
  });
});

describe('photos that stall', () => {
  const desk = deskWith({ photoArrivalMs: 400, photoWaitMs: 30_000 });

  it('take their turn back after the arrival deadline (408), so three stalled uploads cannot hold up the desk', async () => {
    const stalled = Array.from({ length: 3 }, (_, i) => stalledCheckIn(desk.server, 400 + i));
    const answers = stalled.map(answerOn);
    await until(() => photoQueue().inMemory === 3);
    const unstalled = await desk.server.api('/v1/add/', { method: 'POST', body: checkInForm(desk.jpeg) });
    expect(unstalled.status).toBe(200);
    for (const answer of await Promise.all(answers)) {
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toContain('"code":"2400"');
      expect(answer).toContain('took too long to arrive');
    }
    await until(() => photoQueue().inMemory === 0);
  });
});

describe('a check-in that waits too long for its turn', () => {
  const desk = deskWith({ photoArrivalMs: 30_000, photoWaitMs: 300 });

  it('is turned away with 5501 and Retry-After, and changes nothing', async () => {
    const before = visitorCount(desk.server);
    const holders = Array.from({ length: 3 }, (_, i) => stalledCheckIn(desk.server, 500 + i));
    await until(() => photoQueue().inMemory === 3);
    const waited = await desk.server.api('/v1/add/', { method: 'POST', body: checkInForm(desk.jpeg) });
    expect(waited.status).toBe(503);
    expect(waited.headers.get('retry-after')).toBe('1');
    expect(await errorCode(waited)).toBe('5501');
    expect(photoQueue().waiting).toBe(0);
    expect(visitorCount(desk.server)).toBe(before);
    for (const socket of holders) socket.destroy();
    await until(() => photoQueue().inMemory === 0);
  });
});

describe('a photo turn', () => {
  it('answers a waiter that gives its place up, and never frees a turn in use when its client goes', async () => {
    const held = Array.from({ length: 3 }, () => photoSlot(30_000));
    await Promise.all(held.map((slot) => slot.acquire()));
    const waiter = photoSlot(30_000);
    const waiting = waiter.acquire();
    expect(photoQueue()).toEqual({ inMemory: 3, waiting: 1 });
    waiter.abandon();
    await expect(waiting).rejects.toMatchObject({ code: '2400' });
    expect(photoQueue()).toEqual({ inMemory: 3, waiting: 0 });

    // A client gone while its photo is being processed: the turn stays taken until the end.
    held[0]!.abandon();
    expect(photoQueue().inMemory).toBe(3);
    for (const slot of held) slot.release();
    expect(photoQueue()).toEqual({ inMemory: 0, waiting: 0 });
  });
});

describe('a photo’s memory given back when its check-in ends', () => {
  it('frees a Buffer that has its memory to itself, and leaves one that shares it untouched', () => {
    const joined = Buffer.concat([Buffer.alloc(300_000, 1), Buffer.alloc(300_000, 2)]);
    discardPhoto(joined);
    expect(joined.length).toBe(0);

    const whole = Buffer.alloc(600_000, 3);
    const part = whole.subarray(1000, 2000);
    discardPhoto(part);
    expect([part.length, whole.length, whole[0]]).toEqual([1000, 600_000, 3]);

    // A small Buffer lives in Node's shared pool, beside others.
    const pooled = Buffer.from('a small photo');
    discardPhoto(pooled);
    expect(pooled.toString()).toBe('a small photo');
  });
});
