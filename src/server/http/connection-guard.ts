import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { rawJsonError } from './raw-response';

/**
 * How many connections of each kind a listener keeps. A connection is *trusted* once a
 * request on it has proven a token (or a signed URL); until then anyone can hold it, so
 * such connections get a small budget of their own and short deadlines, and are the first
 * to go when room is needed. A trusted request in progress is never closed to make room.
 */
export interface ConnectionLimits {
  /** Every connection at once. */
  total: number;
  /** Connections no token has been seen on yet (sign-in, page loads, and any flood). */
  untrusted: number;
  /** An untrusted request must arrive whole (headers and body) within this. */
  untrustedRequestMs: number;
  /** An untrusted connection with no request under way is closed after this. */
  untrustedIdleMs: number;
  /** Event streams open at once per token, and per account: the oldest goes past these. */
  streamsPerToken: number;
  streamsPerAccount: number;
}

/**
 * A desk needs a handful of connections; a sign-in form is tiny and arrives in well under a
 * second on a LAN. Ten seconds is generous to a slow one and still frees a connection that
 * trickles a byte at a time long before an attacker can hold the budget for long. Six
 * streams per token is a browser's whole connection allowance for one desk's tabs.
 */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  total: 256,
  untrusted: 64,
  untrustedRequestMs: 10_000,
  untrustedIdleMs: 5_000,
  streamsPerToken: 6,
  streamsPerAccount: 12,
};

/** A connection that has sent nothing yet is "fresh" this long, then counts as idle. */
const FRESH_MS = 2_000;
const SWEEP_MS = 500;

interface Tracked {
  socket: Socket;
  opened: number;
  trusted: boolean;
  /** The request under way, if any. */
  request?: { message: IncomingMessage; response: ServerResponse; started: number };
  /** When the last request ended (or the connection opened). */
  idleSince: number;
  /** Set for a connection that carries an event stream. */
  stream?: { token: string; account: number; since: number };
}

/**
 * Keeps one listener's connections within ConnectionLimits, choosing what to close so that
 * the desk's own authenticated requests always get through a flood: unauthenticated, slow
 * and oldest connections go first. Attached to a server, it sees every connection and
 * request; the authentication hook tells it which connections proved a token.
 */
export class ConnectionGuard {
  private readonly tracked = new Map<Socket, Tracked>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly limits: ConnectionLimits = DEFAULT_CONNECTION_LIMITS) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  /** Watches a server's connections; `connectionEvent` is 'secureConnection' for a TLS listener. */
  attach(server: Server, connectionEvent: 'connection' | 'secureConnection' = 'connection'): void {
    server.on(connectionEvent, (socket: Socket) => this.admit(socket));
    server.on('request', (message: IncomingMessage, response: ServerResponse) => this.begin(message, response));
    server.once('close', () => clearInterval(this.sweeper));
  }

  /** A request on this connection proved a token or a signed URL. */
  trust(socket: Socket): void {
    const entry = this.tracked.get(socket);
    if (entry) entry.trusted = true;
  }

  /**
   * This connection now carries an event stream for the token and account. Past the
   * limits the oldest of theirs is closed: a reloaded tab's new stream replaces its old one.
   */
  openStream(socket: Socket, token: string, account: number): void {
    const entry = this.tracked.get(socket);
    if (!entry) return;
    entry.stream = { token, account, since: performance.now() };
    const streams = [...this.tracked.values()].filter((other) => other.stream);
    const oldestBeyond = (same: (other: Tracked) => boolean, limit: number): void => {
      const mine = streams.filter((other) => !other.socket.destroyed && same(other));
      mine.sort((a, b) => a.stream!.since - b.stream!.since);
      for (const other of mine.slice(0, Math.max(0, mine.length - limit))) other.socket.destroy();
    };
    oldestBeyond((other) => other.stream!.token === token, this.limits.streamsPerToken);
    oldestBeyond((other) => other.stream!.account === account, this.limits.streamsPerAccount);
  }

  /** How many connections are kept now, trusted or not: for tests and the log. */
  counts(): { total: number; untrusted: number; streams: number } {
    let untrusted = 0;
    let streams = 0;
    for (const entry of this.tracked.values()) {
      if (!entry.trusted) untrusted++;
      if (entry.stream) streams++;
    }
    return { total: this.tracked.size, untrusted, streams };
  }

  private admit(socket: Socket): void {
    const now = performance.now();
    const entry: Tracked = { socket, opened: now, trusted: false, idleSince: now };
    this.tracked.set(socket, entry);
    socket.once('close', () => this.tracked.delete(socket));
    this.keepUntrustedWithinBudget();
    if (this.tracked.size > this.limits.total) this.makeRoom(entry);
  }

  /**
   * Untrusted connections that hold a place (idle, or a request still arriving) are kept
   * within their budget, the oldest going first. A fresh connection has not had its chance
   * to show a token yet and is not counted: a burst of the desk's own new connections never
   * pushes one another out.
   */
  private keepUntrustedWithinBudget(): void {
    const now = performance.now();
    const holding = [...this.tracked.values()].filter((entry) => {
      const rank = rankForEviction(entry, now);
      return !entry.trusted && !entry.socket.destroyed && (rank === 0 || rank === 1);
    });
    if (holding.length <= this.limits.untrusted) return;
    holding.sort((a, b) => (a.request?.started ?? a.idleSince) - (b.request?.started ?? b.idleSince));
    for (const entry of holding.slice(0, holding.length - this.limits.untrusted)) entry.socket.destroy();
  }

  private begin(message: IncomingMessage, response: ServerResponse): void {
    const entry = this.tracked.get(message.socket);
    if (!entry) return;
    entry.request = { message, response, started: performance.now() };
    const ended = (): void => {
      if (entry.request?.message !== message) return;
      entry.request = undefined;
      // A stream ends with its response; the connection may stay for other requests.
      entry.stream = undefined;
      entry.idleSince = performance.now();
    };
    response.once('finish', ended);
    response.once('close', ended);
  }

  /**
   * Closes one connection to make room for `newcomer`, the one to go first: an idle
   * untrusted one, then the slowest untrusted request, then a fresh untrusted one, then an
   * idle trusted one, then a trusted upload still arriving. A
   * request that has arrived whole is being answered and is never cut off, nor is a stream
   * (they have their own limits). With nothing to close, the newcomer itself goes.
   */
  private makeRoom(newcomer: Tracked): void {
    const now = performance.now();
    let best: { entry: Tracked; rank: number; age: number } | undefined;
    for (const entry of this.tracked.values()) {
      if (entry === newcomer || entry.stream || entry.socket.destroyed) continue;
      const rank = rankForEviction(entry, now);
      if (rank === undefined) continue;
      const age = now - (entry.request?.started ?? entry.idleSince);
      if (!best || rank < best.rank || (rank === best.rank && age > best.age)) best = { entry, rank, age };
    }
    (best?.entry ?? newcomer).socket.destroy();
  }

  /** Deadlines of untrusted connections: a request that has not arrived whole, or nothing at all. */
  private sweep(): void {
    this.keepUntrustedWithinBudget();
    const now = performance.now();
    for (const entry of this.tracked.values()) {
      if (entry.trusted || entry.socket.destroyed) continue;
      const request = entry.request;
      if (!request) {
        if (now - entry.idleSince > this.limits.untrustedIdleMs) entry.socket.destroy();
      } else if (!request.message.complete && now - request.started > this.limits.untrustedRequestMs) {
        tooSlow(entry.socket, request.response);
      }
    }
  }
}

/** Lower goes first; undefined never goes to make room. */
function rankForEviction(entry: Tracked, now: number): number | undefined {
  const request = entry.request;
  if (!entry.trusted) {
    if (!request) return now - entry.opened < FRESH_MS && entry.idleSince === entry.opened ? 2 : 0;
    return request.message.complete ? undefined : 1;
  }
  if (!request) return 3;
  return request.message.complete ? undefined : 4;
}

/** The request did not arrive in time: a 408 if nothing was answered yet, and the connection closed. */
function tooSlow(socket: Socket, response: ServerResponse): void {
  if (!response.headersSent && socket.writable) {
    socket.end(rawJsonError(408, 'The request took too long to arrive.'));
    setTimeout(() => socket.destroy(), 1000).unref();
  } else {
    socket.destroy();
  }
}
