import { spawnSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jsonRequest, signIn, STAFF, startTestServer, type TestServer } from '../helpers/server';

const CLI = ['--import', 'tsx', path.resolve(__dirname, '../../src/cli/index.ts')];

/** Waits for a condition the server reaches on its own; the test's timeout bounds it. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

/**
 * Raw connections that an attacker holds open, each reopened when the server closes it
 * while the flood lasts (bounded: `stop` ends it).
 */
function flood(port: number, count: number, open: (socket: net.Socket) => void, options = { read: true }) {
  let running = true;
  let opened = 0;
  const sockets = new Set<net.Socket>();
  const connect = (): void => {
    if (!running || opened >= count * 20) return;
    opened++;
    const socket = net.connect(port, '127.0.0.1');
    sockets.add(socket);
    socket.on('error', () => undefined);
    // Read and dropped, so a close by the server is seen at once; or never read at all, the
    // answers piling up unread (a close is still seen: the server resets the connection).
    if (options.read) socket.resume();
    socket.once('connect', () => open(socket));
    socket.once('close', () => {
      sockets.delete(socket);
      setTimeout(connect, 5);
    });
  };
  for (let i = 0; i < count; i++) connect();
  return {
    opened: () => opened,
    stop: () => {
      running = false;
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** The desk's own window: a keep-alive client as a browser is, six connections at most. */
/** `count` connections each opening an event stream, with the tokens in turn. */
function streamFlood(port: number, count: number, tokens: string[]) {
  let next = 0;
  return flood(port, count, (socket) => {
    const token = tokens[next++ % tokens.length]!;
    socket.write(`GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Token ${token}\r\n\r\n`);
  });
}

function desk(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
  const get = (pathname: string, token: string): Promise<number> =>
    new Promise((resolve, reject) => {
      http
        .get(
          { host: '127.0.0.1', port, path: pathname, agent, headers: { authorization: `Token ${token}` } },
          (res) => {
            res.resume();
            res.once('end', () => resolve(res.statusCode!));
          },
        )
        .once('error', reject);
    });
  return {
    /** Thirty requests, five at a time: every one must answer (a reset rejects). */
    async busyMinute(token: string): Promise<number[]> {
      const statuses: number[] = [];
      for (let round = 0; round < 6; round++) {
        const paths = ['/v1/get/', '/v1/me', '/v1/log/?limit=20', '/v1/get/visitee/', '/v1/expected/'];
        statuses.push(...(await Promise.all(paths.map((p) => get(p, token)))));
      }
      return statuses;
    },
    close: () => agent.destroy(),
  };
}

/** During a flood: every one of the desk's requests answers, and a new sign-in works. */
async function expectDeskServed(server: TestServer): Promise<void> {
  const window = desk(server.port);
  try {
    const statuses = await window.busyMinute(server.token);
    expect(statuses.every((status) => status === 200)).toBe(true);
  } finally {
    window.close();
  }
  expect(await signIn(server.url, STAFF.username, STAFF.password)).toMatch(/\S{20,}/);
}

describe('a flood of connections', () => {
  let server: TestServer;
  let attacks: ReturnType<typeof flood>[] = [];
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(() => {
    for (const attack of attacks) attack.stop();
    attacks = [];
  });
  afterAll(() => server.stop());

  it('leaves the desk its requests and a new sign-in while 300 connections trickle sign-in bodies', async () => {
    const attack = flood(server.port, 300, (socket) => {
      socket.write(
        `POST /v1/oauth/ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
          'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\nu',
      );
      const trickle = setInterval(() => socket.write('s'), 200);
      socket.once('close', () => clearInterval(trickle));
    });
    attacks.push(attack);
    await until(() => attack.opened() >= 300 && server.connections().untrusted >= 64);

    await expectDeskServed(server);
  });

  it('leaves the desk its requests while one account opens 256 event streams with five tokens', async () => {
    await server.api(
      '/v1/admin/users',
      jsonRequest('POST', { username: 'intruder', password: 'an intruder password' }),
    );
    const tokens = await Promise.all(
      Array.from({ length: 5 }, () => signIn(server.url, 'intruder', 'an intruder password')),
    );
    const attack = streamFlood(server.port, 256, tokens);
    attacks.push(attack);
    await until(() => attack.opened() >= 400);

    await expectDeskServed(server);
    // Six per token, twelve per account: the rest were closed as newer ones came.
    expect(server.connections().streams).toBeLessThanOrEqual(12);

    // With the window out of reach, the command line ends the account and its streams.
    const cli = spawnSync(process.execPath, [...CLI, 'user', 'deactivate', 'intruder', '--data-dir', server.dataDir], {
      encoding: 'utf8',
      env: { ...process.env, FRONTDESK_LOG: 'silent' },
    });
    expect(cli.stdout).toContain('Deactivated intruder');
    attack.stop();
    expect((await server.api('/v1/me', { auth: tokens[0]! })).status).toBe(401);
    await until(() => server.connections().streams === 0);
    const trail = (await (await server.api('/v1/admin/audit/?action=user.update')).json()) as {
      data: { actor: string; username: string | null; detail: string }[];
    };
    expect(trail.data[0]).toMatchObject({
      actor: 'system',
      username: null,
      detail: 'command line: intruder: deactivated',
    });
  });
});

describe('floods that hold answers or streams', () => {
  let server: TestServer;
  let attacks: ReturnType<typeof flood>[] = [];
  beforeAll(async () => {
    server = await startTestServer({ connectionLimits: { streams: 8 } });
  });
  afterEach(() => {
    for (const attack of attacks) attack.stop();
    attacks = [];
  });
  afterAll(() => server.stop());

  it('leaves the desk its requests while 300 connections ask for large answers and never read them', async () => {
    const attack = flood(
      server.port,
      300,
      (socket) => {
        // 1.7 MB each, open to all: four a connection, within the pipelining limit.
        const get = `GET /docs/api/static/swagger-ui-bundle.js HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`;
        socket.write(get.repeat(4));
      },
      { read: false },
    );
    attacks.push(attack);
    await until(() => attack.opened() >= 300 && server.connections().untrusted >= 64);
    await expectDeskServed(server);
  });

  it('closes a connection that pipelines more than a few requests unanswered', async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () =>
        socket.write(`GET /v1/openapi.json HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`.repeat(40)),
      );
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('error', () => undefined);
      socket.once('close', () => resolve(text));
    });
    expect((answer.match(/HTTP\/1\.1 200 /g) ?? []).length).toBeLessThanOrEqual(8);
  });

  it('keeps event streams under their limit in all, however many accounts open them', async () => {
    const tokens: string[] = [];
    for (const name of ['ann', 'bob', 'cat']) {
      await server.api('/v1/admin/users', jsonRequest('POST', { username: name, password: `${name} long password` }));
      tokens.push(await signIn(server.url, name, `${name} long password`));
    }
    const attack = streamFlood(server.port, 30, tokens);
    attacks.push(attack);
    await until(() => attack.opened() >= 60);
    expect(server.connections().streams).toBeLessThanOrEqual(8);
    expect((await server.api('/v1/me')).status).toBe(200);
  });
});

describe('an untrusted connection’s deadlines', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ connectionLimits: { untrustedRequestMs: 300, untrustedIdleMs: 300 } });
  });
  afterAll(() => server.stop());

  /** Everything the server sends on a raw connection until it closes it. */
  const answer = (socket: net.Socket): Promise<string> =>
    new Promise((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.once('close', () => resolve(text));
    });

  it('answers a sign-in body that does not arrive in time with 408 and closes, but waits for a trusted one', async () => {
    const slow = net.connect(server.port, '127.0.0.1');
    slow.write(
      `POST /v1/oauth/ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
        'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nusername=',
    );
    const text = await answer(slow);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('"code":"2400"');

    // A request with a token is held to the ordinary deadlines: still open after the untrusted one's.
    const trusted = net.connect(server.port, '127.0.0.1');
    trusted.write(
      `POST /v1/expected/ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Token ${server.token}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    const closed = answer(trusted);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(trusted.destroyed).toBe(false);
    trusted.destroy();
    await closed;
  });

  it('closes an untrusted connection that sends nothing', async () => {
    const idle = net.connect(server.port, '127.0.0.1');
    expect(await answer(idle)).toBe('');
  });
});
