import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photoQueue } from '../../src/server/media/photo-memory';
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

describe('photos held in memory at once', () => {
  let server: TestServer;
  let jpeg: Buffer;
  beforeAll(async () => {
    server = await startTestServer();
    jpeg = await makeImage('jpeg', 640, 480);
  });
  afterAll(() => server.stop());

  const visitors = () => (server.context.db.prepare('SELECT count(*) AS n FROM visitors').get() as { n: number }).n;

  it('reads three photos at once, keeps 64 waiting unread, turns the next away with 5501, and frees every turn of an abandoned upload', async () => {
    const sockets = Array.from({ length: 3 + 64 }, (_, i) => stalledCheckIn(server, 100 + i));
    await until(() => photoQueue().inMemory === 3 && photoQueue().waiting === 64);

    const before = visitors();
    const turnedAway = await server.api('/v1/add/', { method: 'POST', body: checkInForm(jpeg) });
    expect(turnedAway.status).toBe(503);
    expect(turnedAway.headers.get('retry-after')).toBe('1');
    expect(await errorCode(turnedAway)).toBe('5501');
    expect(visitors()).toBe(before);

    for (const socket of sockets) socket.destroy();
    await until(() => photoQueue().inMemory === 0 && photoQueue().waiting === 0);
    const accepted = await server.api('/v1/add/', { method: 'POST', body: checkInForm(jpeg) });
    expect(accepted.status).toBe(200);
    expect(visitors()).toBe(before + 1);
  });

  it('lets a queued check-in through once a turn is free', async () => {
    const sockets = Array.from({ length: 3 }, (_, i) => stalledCheckIn(server, 300 + i));
    await until(() => photoQueue().inMemory === 3);
    const queued = server.api('/v1/add/', { method: 'POST', body: checkInForm(jpeg) });
    await until(() => photoQueue().waiting === 1);
    sockets[0]!.destroy();
    expect((await queued).status).toBe(200);
    for (const socket of sockets) socket.destroy();
    await until(() => photoQueue().inMemory === 0);
  });
});
