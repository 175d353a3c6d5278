import http from 'node:http';
import net from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  parsed: ParsedMail;
  messageId: string;
}

/**
 * A real SMTP server on a loopback port (the `smtp-server` package), for the desk to send to.
 * `refuse` answers 550 for a mailbox; `hold` keeps each message's final answer until released;
 * `dropOnData` closes the connection instead of answering the message; `delayMs` accepts each
 * message only after that long (the bench's slow server).
 */
export async function startMailServer(
  options: { port?: number; user?: { name: string; pass: string }; delayMs?: number } = {},
) {
  const received: ReceivedMail[] = [];
  const refused = new Set<string>();
  let dropOnData = false;
  let gate: Promise<void> | undefined;
  let release: (() => void) | undefined;
  const waiters: (() => void)[] = [];

  const server = new SMTPServer({
    secure: false,
    authOptional: options.user === undefined,
    allowInsecureAuth: true,
    disabledCommands: options.user ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user?.name && auth.password === options.user?.pass) {
        callback(null, { user: auth.username });
      } else callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (refused.has(address.address)) {
        callback(Object.assign(new Error('5.1.1 No such mailbox here'), { responseCode: 550 }));
      } else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        void (async () => {
          if (dropOnData) {
            // Accepts the data, then drops the connection before answering it.
            (session as unknown as { socket?: net.Socket }).socket?.destroy();
            return;
          }
          if (gate) await gate;
          // A slow server: every message takes this long to be accepted.
          if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
          const parsed = await simpleParser(Buffer.concat(chunks));
          received.push({
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            parsed,
            messageId: parsed.messageId ?? '',
          });
          waiters.splice(0).forEach((wake) => wake());
          callback();
        })();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A desk killed mid-message resets its connection: smtp-server reports it here, and an
  // 'error' nobody listens to would end the test process.
  server.on('error', () => undefined);
  const port = (server.server.address() as net.AddressInfo).port;
  return {
    port,
    url: options.user
      ? `smtp://${options.user.name}:${options.user.pass}@127.0.0.1:${port}`
      : `smtp://127.0.0.1:${port}`,
    received,
    refuse: (address: string) => refused.add(address),
    dropOnData: (on: boolean) => {
      dropOnData = on;
    },
    hold: () => {
      gate = new Promise<void>((resolve) => (release = resolve));
    },
    release: () => {
      gate = undefined;
      release?.();
    },
    /** Resolves once `count` messages have arrived (or at once if they have). */
    async waitFor(count: number): Promise<ReceivedMail[]> {
      while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type MailServer = Awaited<ReturnType<typeof startMailServer>>;

/** A port that takes connections and never says a word: a hung mail server. */
export async function startSilentServer() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A webhook receiver on loopback: records every POST and answers with `status()`. */
export async function startWebhookReceiver() {
  const posts: { body: string; headers: http.IncomingHttpHeaders }[] = [];
  let status = 200;
  const waiters: (() => void)[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      posts.push({ body: Buffer.concat(chunks).toString('utf8'), headers: request.headers });
      response.writeHead(status).end();
      waiters.splice(0).forEach((wake) => wake());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/hook`,
    posts,
    answer: (code: number) => {
      status = code;
    },
    async waitFor(count: number) {
      while (posts.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return posts;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A hand-written SMTP server that takes each message and then answers it one fragment at a
 * time, forever: a server the desk must cut off at its deadline, socket and all. It counts the
 * connections it still holds and the messages it was still answering when asked.
 */
export async function startDrippingServer() {
  const open = new Set<net.Socket>();
  let messages = 0;
  const server = net.createServer((socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
    socket.write('220 slow ESMTP\r\n');
    let pending = '';
    let inData = false;
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = pending.indexOf('\r\n.\r\n');
          if (end < 0) return;
          pending = pending.slice(end + 5);
          inData = false;
          messages++;
          // The final reply never ends: a continuation line every 100 ms.
          const drip = setInterval(() => socket.write('250-still thinking\r\n'), 100);
          socket.on('close', () => clearInterval(drip));
          continue;
        }
        const newline = pending.indexOf('\r\n');
        if (newline < 0) return;
        const verb = pending.slice(0, 4).toUpperCase();
        pending = pending.slice(newline + 2);
        if (verb === 'EHLO') socket.write('250-slow\r\n250 8BITMIME\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go on\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => open.size,
    messages: () => messages,
    close: async () => {
      open.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
