import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { rawJsonError } from './raw-response';

/**
 * How many connections of each kind a listener keeps. A connection is *trusted* once a
 * request on it has proven a token (or a signed URL); until then anyone can hold it, so
 * such connections get a small budget of their own and short deadlines, and are the first
 * to go when room is needed. A trusted request that has arrived is never closed to make room.
 */
export interface ConnectionLimits {
  /** Every connection at once. */
  total: number;
  /** Untrusted connections holding a place (idle, or with a request under way). */
  untrusted: number;
  /** An untrusted request must arrive and be answered (the answer taken by the client) within this. */
  untrustedRequestMs: number;
  /** An untrusted connection with no request under way is closed after this. */
  untrustedIdleMs: number;
  /** Event streams open at once per token, per account, and in all: the oldest goes past these. */
  streamsPerToken: number;
  streamsPerAccount: number;
  streams: number;
}

/**
 * A desk needs a handful of connections; a sign-in form is tiny and arrives in well under a
 * second on a LAN, and the largest file anyone may fetch without a token (the API
 * document's viewer, 1.7 MB) takes a fraction of one. Ten seconds is generous to a slow
 * client and still frees a connection that trickles a byte at a time, or never reads its
 * answer, long before an attacker can hold the budget for long. Six streams per token is a
 * browser's whole connection allowance for one desk's tabs; 64 in all leaves most of the
 * 256 to requests.
 */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  total: 256,
  untrusted: 64,
  untrustedRequestMs: 10_000,
  untrustedIdleMs: 5_000,
  streamsPerToken: 6,
  streamsPerAccount: 12,
  streams: 64,
};

/** A connection that has sent nothing yet is "fresh" this long, then counts as idle. */
const FRESH_MS = 2_000;
const SWEEP_MS = 500;
/** Requests unanswered at once on one connection (pipelined), untrusted and trusted. */
const PIPELINED_UNTRUSTED = 8;
const PIPELINED_TRUSTED = 32;

interface Exchange {
  response: ServerResponse;
  started: number;
}

interface Tracked {
  socket: Socket;
  opened: number;
  trusted: boolean;
  /** The requests under way, oldest first: pipelined ones follow the first. */
  exchanges: Map<IncomingMessage, Exchange>;
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
   * limits the oldest is closed: a reloaded tab's new stream replaces its old one.
   */
  openStream(socket: Socket, token: string, account: number): void {
    const entry = this.tracked.get(socket);
    if (!entry) return;
    entry.stream = { token, account, since: performance.now() };
    const streams = [...this.tracked.values()].filter((other) => other.stream && !other.socket.destroyed);
    const oldestBeyond = (same: (other: Tracked) => boolean, limit: number): void => {
      const mine = streams.filter((other) => !other.socket.destroyed && same(other));
      mine.sort((a, b) => a.stream!.since - b.stream!.since);
      for (const other of mine.slice(0, Math.max(0, mine.length - limit))) other.socket.destroy();
    };
    oldestBeyond((other) => other.stream!.token === token, this.limits.streamsPerToken);
    oldestBeyond((other) => other.stream!.account === account, this.limits.streamsPerAccount);
    oldestBeyond(() => true, this.limits.streams);
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
    const entry: Tracked = { socket, opened: now, trusted: false, exchanges: new Map(), idleSince: now };
    this.tracked.set(socket, entry);
    socket.once('close', () => this.tracked.delete(socket));
    this.keepUntrustedWithinBudget();
    if (this.tracked.size > this.limits.total) this.makeRoom(entry);
  }

  private begin(message: IncomingMessage, response: ServerResponse): void {
    const entry = this.tracked.get(message.socket);
    if (!entry) return;
    entry.exchanges.set(message, { response, started: performance.now() });
    // No browser pipelines; a client with this many requests unanswered on one connection is
    // queueing answers it does not take, each held in memory until it does.
    if (entry.exchanges.size > (entry.trusted ? PIPELINED_TRUSTED : PIPELINED_UNTRUSTED)) {
      entry.socket.destroy();
      return;
    }
    const ended = (): void => {
      if (!entry.exchanges.delete(message)) return;
      if (entry.exchanges.size === 0) entry.idleSince = performance.now();
      // A stream ends with its response; the connection may stay for other requests.
      entry.stream = undefined;
    };
    // 'close' follows 'finish', and comes alone when the connection goes first.
    response.once('close', ended);
  }

  /**
   * Untrusted connections that hold a place (idle, a request arriving, or an answer not taken)
   * are kept within their budget, the oldest going first. A fresh connection has not had its
   * chance to show a token yet and is not counted, nor is one the server is still answering:
   * a burst of the desk's own new connections and sign-ins never pushes one another out.
   */
  private keepUntrustedWithinBudget(): void {
    const now = performance.now();
    const holding = [...this.tracked.values()].filter((entry) => {
      const rank = rankForEviction(entry, now);
      return !entry.trusted && !entry.socket.destroyed && (rank === 0 || rank === 1);
    });
    if (holding.length <= this.limits.untrusted) return;
    holding.sort((a, b) => since(a) - since(b));
    for (const entry of holding.slice(0, holding.length - this.limits.untrusted)) entry.socket.destroy();
  }

  /**
   * Closes one connection to make room for `newcomer`, the one to go first: an idle
   * untrusted one, then the oldest untrusted request (arriving, or answered to a client that
   * does not read), then a fresh untrusted one, then an idle trusted one, then a trusted
   * upload still arriving. A trusted request that has arrived whole is being answered and is
   * never cut off, nor is a stream (they have their own limits). With nothing to close, the
   * newcomer itself goes.
   */
  private makeRoom(newcomer: Tracked): void {
    const now = performance.now();
    let best: { entry: Tracked; rank: number; age: number } | undefined;
    for (const entry of this.tracked.values()) {
      if (entry === newcomer || entry.stream || entry.socket.destroyed) continue;
      const rank = rankForEviction(entry, now);
      if (rank === undefined) continue;
      const age = now - since(entry);
      if (!best || rank < best.rank || (rank === best.rank && age > best.age)) best = { entry, rank, age };
    }
    (best?.entry ?? newcomer).socket.destroy();
  }

  /**
   * Deadlines of untrusted connections: every request under way must have arrived and been
   * answered (its answer taken by the client) within untrustedRequestMs of its start, and a
   * connection with nothing under way goes after untrustedIdleMs.
   */
  private sweep(): void {
    this.keepUntrustedWithinBudget();
    const now = performance.now();
    for (const entry of this.tracked.values()) {
      if (entry.trusted || entry.socket.destroyed) continue;
      const oldest = entry.exchanges.values().next().value;
      if (!oldest) {
        if (now - entry.idleSince > this.limits.untrustedIdleMs) entry.socket.destroy();
      } else if (now - oldest.started > this.limits.untrustedRequestMs) {
        tooSlow(entry.socket, oldest.response);
      }
    }
  }
}

/** When the connection's current state began: its oldest request under way, or its idleness. */
function since(entry: Tracked): number {
  return entry.exchanges.values().next().value?.started ?? entry.idleSince;
}

/**
 * Lower goes first; undefined never goes to make room. An untrusted request holds its place
 * while it arrives, or while its answer waits for a client that does not take it; while the
 * server is still working on it (a sign-in's password check, bounded by its own queue), it is
 * left alone: a burst of the desk's sign-ins is never cut off for being many.
 */
function rankForEviction(entry: Tracked, now: number): number | undefined {
  const busy = entry.exchanges.size > 0;
  if (!entry.trusted) {
    if (busy) {
      const holding = [...entry.exchanges].some(([message, { response }]) => !message.complete || response.headersSent);
      return holding ? 1 : undefined;
    }
    return now - entry.opened < FRESH_MS && entry.idleSince === entry.opened ? 2 : 0;
  }
  if (!busy) return 3;
  // A trusted upload still arriving may go last of all; a request that has arrived never.
  const arriving = [...entry.exchanges.keys()].some((message) => !message.complete);
  return arriving ? 4 : undefined;
}

/** Too slow: a 408 if nothing was answered on the connection yet, and the connection closed. */
function tooSlow(socket: Socket, response: ServerResponse): void {
  if (!response.headersSent && socket.writable) {
    socket.end(rawJsonError(408, 'The request took too long to arrive or to be taken.'));
    setTimeout(() => socket.destroy(), 1000).unref();
  } else {
    socket.destroy();
  }
}
