import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage } from '../helpers/images';
import { checkInForm, STAFF, startTestServer, type TestServer } from '../helpers/server';

function signIn(server: TestServer, username: string, password: string): Promise<Response> {
  return fetch(`${server.url}/v1/oauth/`, { method: 'POST', body: new URLSearchParams({ username, password }) });
}

describe('a flood of sign-ins', () => {
  let server: TestServer;
  // A clock that stands still: the throttle's waits never run out during a test, however slow the machine.
  let clock = Date.now();
  beforeAll(async () => {
    server = await startTestServer({ now: () => clock });
  });
  afterAll(() => server.stop());

  it('checks only the free attempts when a hundred wrong passwords arrive at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => signIn(server, STAFF.username, 'not the password')),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(95);
    for (const answer of answers.filter((candidate) => candidate.status === 429)) {
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('writes one entry for 3,000 wrong passwords pipelined on one connection, and lets the owner in when the stated wait is over', async () => {
    clock += 60 * 60 * 1000;
    // The owner signs in first: a success clears what earlier tests left on the record.
    expect((await signIn(server, STAFF.username, STAFF.password)).status).toBe(200);
    const trail = async () =>
      (
        (await (await server.api('/v1/admin/audit/?limit=200')).json()) as {
          data: { action: string; detail: string }[];
        }
      ).data;
    const before = (await trail()).length;
    const body = new URLSearchParams({ username: STAFF.username, password: 'not the password' }).toString();
    const request =
      `POST /v1/oauth/ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
      `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    // Pipelined eight at a time on one connection: more unanswered at once and the server
    // closes it (connection-flood.test.ts).
    const answers = await new Promise<string>((resolve, reject) => {
      let sent = 0;
      let text = '';
      const socket = net.connect(server.port, '127.0.0.1', () => {
        socket.write(request.repeat(8));
        sent = 8;
      });
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const answered = (text.match(/HTTP\/1\.1 \d{3} /g) ?? []).length;
        if (answered === 3000) socket.end();
        else if (answered === sent) {
          socket.write(request.repeat(8));
          sent += 8;
        }
      });
      socket.once('error', reject);
      socket.once('close', () => resolve(text));
    });
    // Pipelined answers follow each other's bodies on the wire, with no line break between.
    const statuses = [...answers.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => match[1]);
    expect(statuses).toHaveLength(3000);
    expect(statuses.filter((status) => status === '401')).toHaveLength(5);
    const after = await trail();
    expect(after.length - before).toBe(1);
    expect(after[0]).toMatchObject({
      action: 'signin.failed',
      detail: '3000 refused sign-ins: 5 wrong password, 2995 too many attempts or busy',
    });
    // The wait stated is the wait: refused attempts do not lengthen it.
    const waits = [...answers.matchAll(/\r\nretry-after: (\d+)/gi)].map((match) => Number(match[1]));
    expect(Math.max(...waits)).toBe(1);
    expect((await signIn(server, STAFF.username, STAFF.password)).status).toBe(429);
    clock += 1000;
    expect((await signIn(server, STAFF.username, STAFF.password)).status).toBe(200);
  });

  it('never locks the desk out when one client sprays other usernames', async () => {
    clock += 60 * 60 * 1000; // a new hour: earlier failures are forgotten
    for (let round = 0; round < 3; round++) {
      const sprayed = await Promise.all(
        Array.from({ length: 15 }, (_, i) => signIn(server, `nobody-${round}-${i}`, 'guess')),
      );
      expect(sprayed.every((answer) => answer.status === 401 || answer.status === 429)).toBe(true);
    }
    expect((await signIn(server, STAFF.username, STAFF.password)).status).toBe(200);
  });

  it('throttles by the name the database matches: a Kelvin sign is not a K', async () => {
    clock += 60 * 60 * 1000;
    await server.context.auth.createUser('kiosk', 'kiosk password 1', { by: 'command line' });
    for (let i = 0; i < 6; i++) await signIn(server, '\u212Aiosk', 'wrong password');
    expect((await signIn(server, 'kiosk', 'kiosk password 1')).status).toBe(200);
    for (let i = 0; i < 6; i++) await signIn(server, 'KIOSK', 'wrong password');
    expect((await signIn(server, 'kiosk', 'kiosk password 1')).status).toBe(429);
  });

  it('answers a username no account can have at once, without a password check', async () => {
    const response = await signIn(server, 'x'.repeat(60_000), 'guess');
    expect(response.status).toBe(401);
  });
});

describe('password hashing and the thread pool', () => {
  let server: TestServer;
  let thumb: string;
  beforeAll(async () => {
    server = await startTestServer();
    const response = await server.api('/v1/add/', { method: 'POST', body: checkInForm(await makeImage('jpeg')) });
    thumb = `/v1/photo/thumb/${((await response.json()) as { visitor_id: string }).visitor_id}`;
  });
  afterAll(() => server.stop());

  it('serves a thumbnail while twenty sign-ins are being checked, not after them', async () => {
    let answered = 0;
    const flood = Array.from({ length: 20 }, (_, i) =>
      signIn(server, `flood-${i}`, 'wrong password').then((answer) => {
        answered++;
        return answer.status;
      }),
    );
    const photo = await server.api(thumb, { headers: { 'cache-control': 'no-cache' } });
    const answeredBeforeThumbnail = answered;
    expect(photo.status).toBe(200);
    // Two checks run and sixteen wait; any beyond that are told the desk is busy (429).
    const statuses = await Promise.all(flood);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    expect(statuses.filter((status) => status === 401).length).toBeGreaterThanOrEqual(16);
    // Two hashes run at a time, so the thumbnail's file read finds a free thread at once.
    // With every scrypt on the shared pool it waited behind nearly all of them.
    expect(answeredBeforeThumbnail).toBeLessThan(10);
  });
});
