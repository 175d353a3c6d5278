import net from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/server';
import { rawRequest } from '../helpers/raw-http';
import { checkInForm, errorCode, STAFF, startTestServer, tempDataDir, type TestServer } from '../helpers/server';

/** What the second attack round found, each kept found. */
describe('the second attack round', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('ends an events stream whose client stops reading, instead of queueing for it', async () => {
    const socket = net.connect(server.port, '127.0.0.1');
    socket.write(
      `GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Token ${server.token}\r\n\r\n`,
    );
    socket.pause(); // and never read again
    await expect.poll(() => server.context.events.listeners()).toBe(1);
    const visitor = {
      visitor_id: 'AAAAAAAAAAAAAAAAAAAAAA',
      card_no: 1,
      name: 'x'.repeat(100_000),
      mobile: '5550100',
      purpose: 'Flood',
      visitee_no: null,
      visitee_name: null,
      entry_time: '2026-11-28 09:00:00',
      exit_time: null,
      exit_kind: null,
      has_photo: false,
      erased: false,
      photo_width: null,
      photo_height: null,
      thumbhash: null,
      notification: null,
      type_id: 1,
      type_name: 'Visitor',
      type_color: '#2563eb',
      agreement: null,
    };
    for (let i = 0; i < 1000 && server.context.events.listeners() > 0; i++) {
      server.context.events.publish({ type: 'visitor.checkin', visitor_id: visitor.visitor_id, visitor });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(server.context.events.listeners()).toBe(0);
    socket.destroy();
  });

  it('answers HEAD /v1/events at once rather than holding it open', async () => {
    const response = await rawRequest(server.port, 'HEAD', '/v1/events', { authorization: `Token ${server.token}` });
    expect(response.status).toBe(404);
  });

  it('answers a request without Host, and a CONNECT, with the contract’s JSON', async () => {
    const noHost = await new Promise<string>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.write('GET /v1/get HTTP/1.1\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
        // The whole JSON answer is in: hang up (the connection is kept alive otherwise).
        if (/\}\s*$/.test(text)) socket.end();
      });
      socket.on('close', () => resolve(text));
    });
    expect(noHost).toMatch(/^HTTP\/1\.1 421/);
    expect(noHost).toContain('"code":"2600"');
    const connect = await new Promise<string>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () =>
        socket.write(`CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n`),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
    });
    expect(connect).toMatch(/^HTTP\/1\.1 405/);
    expect(connect).toContain('"success":false');
  });

  it('refuses images that are not the shape of a photo, or too costly to decode whole', async () => {
    const banner = await sharp({ create: { width: 2400, height: 400, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    const wide = await server.api('/v1/add/', { method: 'POST', body: checkInForm(banner) });
    expect([wide.status, await errorCode(wide)]).toEqual([415, '2415']);

    // Interlaced 16-bit RGBA: 5000 × 5000 × 4 × 2 bytes = 200 MB held whole while decoding.
    const heavy = await sharp({ create: { width: 5000, height: 5000, channels: 4, background: '#8888' } })
      .toColourspace('rgb16')
      .png({ progressive: true, compressionLevel: 9 })
      .toBuffer();
    const response = await server.api('/v1/add/', { method: 'POST', body: checkInForm(heavy, {}, 'heavy.png') });
    expect([response.status, await errorCode(response)]).toEqual([400, '2400']);
  });

  it('answers a sign-in for no account like a wrong password, even while the check queue is full', async () => {
    for (let i = 0; i < 5; i++)
      await server.context.auth.createUser(`staff${i}`, 'a long password', { by: 'command line' });
    const flood = Array.from({ length: 25 }, (_, i) =>
      fetch(`${server.url}/v1/oauth/`, {
        method: 'POST',
        body: new URLSearchParams({ username: `staff${i % 5}`, password: 'wrong password' }),
      }),
    );
    const unknown = await fetch(`${server.url}/v1/oauth/`, {
      method: 'POST',
      body: new URLSearchParams({ username: 'nobody-at-all', password: 'wrong password' }),
    });
    expect(unknown.status).toBe(401);
    expect(await errorCode(unknown)).toBe('1142');
    await Promise.all(flood);
    // The desk's own account signs in once the flood is over.
    const desk = await fetch(`${server.url}/v1/oauth/`, { method: 'POST', body: new URLSearchParams(STAFF) });
    expect(desk.status).toBe(200);
  });
});

describe('a first-run set-up flood', () => {
  let fresh: RunningServer;
  beforeAll(async () => {
    fresh = await startServer({ port: 0, dataDir: tempDataDir() });
  });
  afterAll(() => fresh.close());

  it('creates one account and answers the rest 409 or busy, never a server fault', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(`${fresh.url}/v1/oauth/setup`, {
          method: 'POST',
          body: new URLSearchParams({ username: `first${i}`, password: 'a long password' }),
        }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.every((status) => [200, 409, 503].includes(status))).toBe(true);
    for (const answer of answers.filter((candidate) => candidate.status === 503)) {
      expect(answer.headers.get('retry-after')).toBe('1');
      expect(((await answer.json()) as { errors: { message: string } }).errors.message).toMatch(/busy/);
    }
  });
});
