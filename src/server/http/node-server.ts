import http from 'node:http';
import type { Socket } from 'node:net';
import { ApiError } from '../api-error';
import type { ConnectionGuard } from './connection-guard';
import { rawJsonError } from './raw-response';

export interface RequestTimeouts {
  /** A whole request, body included, must arrive within this (slow-body attacks). */
  requestMs: number;
  /** A connection that sends nothing and receives nothing for this long is closed. */
  idleMs: number;
  /** A check-in's photo, once its turn has come, must arrive whole within this (photo-memory.ts). */
  photoArrivalMs: number;
  /** A check-in waits at most this long for a turn to send its photo, then 5501. */
  photoWaitMs: number;
}

/**
 * The kiosk's clients are on the same machine or its LAN: a 5 MiB photo arrives in well
 * under a second. A minute is generous to a slow network and still frees a connection
 * that trickles a byte at a time; 30 s of silence means nobody is there.
 */
export const DEFAULT_TIMEOUTS: RequestTimeouts = {
  requestMs: 60_000,
  idleMs: 30_000,
  // Long enough for 5 MiB over a slow link (2.8 Mbit/s); both well inside requestMs.
  photoArrivalMs: 15_000,
  photoWaitMs: 20_000,
};

/** node:http as Fastify's server, with the limits and answers the contract needs. */
export function createNodeServer(
  handler: http.RequestListener,
  timeouts: RequestTimeouts,
  guard: ConnectionGuard,
): http.Server {
  const server = http.createServer(
    {
      requestTimeout: timeouts.requestMs,
      // Headers come in one packet from any real client; ten seconds is generous.
      headersTimeout: Math.min(timeouts.requestMs, 10_000),
      // Node checks requestTimeout only this often (30 s by default): often enough to mean it.
      connectionsCheckingInterval: Math.max(100, Math.min(1000, timeouts.requestMs / 4)),
      // Without this Node answers a request with no Host itself, with an empty 400; the
      // Host guard answers it with the contract's JSON instead.
      requireHostHeader: false,
    },
    handler,
  );
  // Fastify sets the idle timeout only on servers it creates itself.
  server.setTimeout(timeouts.idleMs);
  // Which connections are kept when there are too many, and how long untrusted ones may take.
  guard.attach(server);

  // Node would answer an unknown Expect header with an empty 417, and close a CONNECT
  // without a word: the contract wants JSON for both.
  server.on('checkExpectation', (_request, response: http.ServerResponse) => {
    const body = JSON.stringify(new ApiError('2400', 'Unsupported Expect header.').toBody());
    response.writeHead(417, { 'content-type': 'application/json; charset=utf-8', connection: 'close' }).end(body);
  });
  server.on('connect', (_request, socket: Socket) => {
    socket.end(rawJsonError(405, 'This server is not a proxy.'));
  });
  return server;
}
