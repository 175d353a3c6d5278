import https from 'node:https';
import tls from 'node:tls';
import type { z } from 'zod';
import { fingerprintOf, pem, type DeskCredentials } from './desk-certificate';

/** How long a peer may stay silent. */
const PEER_TIMEOUT_MS = 15_000;
/** How long one call may take in all: a peer that trickles its answer is cut off too. */
const PEER_DEADLINE_MS = 60_000;
/** The most a peer may answer with (a batch of changes, one photo). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
/** How long a connection to a peer is kept open between calls: desks ask each other every second. */
const IDLE_CONNECTION_MS = 10_000;

export class PeerError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** How much of the certificate a peer is expected to present is named to it: as much as a join code carries. */
const NAMED_HEX = 20;

/**
 * The server name a desk asks for (TLS SNI): the start of the certificate it expects, never a
 * host name (desks pin certificates, not names). A desk's listener has one certificate and
 * does not look; a company server's presents the one of the site that name is of
 * (company/company-sites.ts), so each site knows it by a key of its own.
 */
export function peerServerName(fingerprint: string): string {
  return `${fingerprint.slice(0, NAMED_HEX)}.peer.frontdesk.invalid`;
}

/** The start of the certificate a server name asks for, if it is one peerServerName made. */
export function namedFingerprint(serverName: string | false | null): string | undefined {
  const match = typeof serverName === 'string' ? /^([0-9a-f]{20})\.peer\.frontdesk\.invalid$/.exec(serverName) : null;
  return match?.[1];
}

/**
 * The certificate a peer presents, read without trusting it: what the joining desk compares
 * with the fingerprint its join code carries, before it sends anything.
 */
export function presentedCertificate(address: string, fingerprintPrefix: string): Promise<string> {
  const url = new URL(address);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: url.hostname,
      port: Number(url.port || 443),
      rejectUnauthorized: false,
      servername: peerServerName(fingerprintPrefix),
    });
    socket.setTimeout(PEER_TIMEOUT_MS, () => socket.destroy(new PeerError(`no answer from ${address}`)));
    socket.once('secureConnect', () => {
      const raw = socket.getPeerCertificate(false).raw as Buffer | undefined;
      socket.end();
      if (!raw) reject(new PeerError(`${address} presented no certificate`));
      else resolve(pem('CERTIFICATE', raw));
    });
    socket.once('error', (error: Error) => reject(new PeerError(`cannot reach ${address}: ${error.message}`)));
  });
}

/** A peer that presented another certificate than the one pinned for it, said with its address by the call. */
class NotThePinnedPeer extends PeerError {}

/** A kept connection the peer had closed as a call went out on it (the peer restarted, or let it fall idle). */
class StaleConnection extends PeerError {}

const agents = new Map<string, https.Agent>();

/**
 * Connections to one peer, kept open between calls: a TLS handshake with both certificates
 * costs more than the call it opens, and every desk asks every other every second
 * (bench/sites.ts measures it). One agent for each pinned certificate, which checks that
 * certificate as each connection opens; Node lends an open connection only to a request for
 * the same address with the same own key and certificate and server name too (part of the
 * agent's key for it), so a connection is never lent to a call for another peer or by
 * another desk of this process. The listener checks the asking desk on every request, so a
 * desk revoked meanwhile is refused on its open connection too (peer-server.ts). No TLS
 * session is resumed: each new connection is checked whole. As many agents as the peers
 * this process has called.
 */
function agentFor(expected: string): https.Agent {
  let agent = agents.get(expected);
  if (!agent) {
    agent = new https.Agent({
      keepAlive: true,
      timeout: IDLE_CONNECTION_MS,
      maxCachedSessions: 0,
      checkServerIdentity: (_host, certificate) =>
        certificate.fingerprint256.replaceAll(':', '').toLowerCase() === expected
          ? undefined
          : new NotThePinnedPeer('presented another certificate than the desk’s'),
    });
    agents.set(expected, agent);
  }
  return agent;
}

/**
 * One call to another desk's peer listener over TLS, both ways authenticated: this desk
 * presents its certificate, and the other must present exactly the certificate pinned for
 * it (trusted as its own authority, its fingerprint compared), whatever its host name.
 */
export function callPeer<T>(options: {
  address: string;
  path: string;
  body?: unknown;
  /** The certificate the peer must present. */
  pinned: string;
  credentials: DeskCredentials;
  /** The answer's schema; without one the answer is raw bytes. */
  schema?: z.ZodType<T>;
}): Promise<T> {
  // A call that met a stale kept connection (reset before any answer: the peer never read
  // it) is made once more, over a new one. Asking for changes, photos and signatures may be
  // repeated; a join goes out with a new key, so on a new connection, and is never retried.
  return callOnce(options).catch((error: unknown) => {
    if (error instanceof StaleConnection) return callOnce(options);
    throw error;
  });
}

function callOnce<T>(options: Parameters<typeof callPeer<T>>[0]): Promise<T> {
  const url = new URL(options.path, options.address);
  const expected = fingerprintOf(options.pinned);
  const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  return new Promise<T>((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: body ? 'POST' : 'GET',
        ca: [options.pinned],
        key: options.credentials.key,
        cert: options.credentials.certificate,
        agent: agentFor(expected),
        servername: peerServerName(expected),
        timeout: PEER_TIMEOUT_MS,
        headers: body ? { 'content-type': 'application/json', 'content-length': body.length } : {},
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) request.destroy(new PeerError(`${options.address} answered too much`));
          else chunks.push(chunk);
        });
        response.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const status = response.statusCode ?? 0;
          if (status !== 200) {
            let message = `${options.address} answered ${status}`;
            try {
              message = (JSON.parse(bytes.toString('utf8')) as { message?: string }).message ?? message;
            } catch {
              // Not JSON: the status says enough.
            }
            reject(new PeerError(message, status));
            return;
          }
          if (!options.schema) {
            resolve(bytes as T);
            return;
          }
          try {
            const parsed = options.schema.safeParse(JSON.parse(bytes.toString('utf8')));
            if (parsed.success) resolve(parsed.data);
            else reject(new PeerError(`${options.address} answered something that is not the protocol`));
          } catch {
            reject(new PeerError(`${options.address} answered something that is not JSON`));
          }
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new PeerError(`no answer from ${options.address}`)));
    const deadline = setTimeout(
      () => request.destroy(new PeerError(`${options.address} took too long to answer`)),
      PEER_DEADLINE_MS,
    );
    request.on('close', () => clearTimeout(deadline));
    let answered = false;
    request.on('response', () => (answered = true));
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof NotThePinnedPeer) reject(new PeerError(`${options.address} ${error.message}`));
      else if (error instanceof PeerError) reject(error);
      else if (request.reusedSocket && !answered && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
        reject(new StaleConnection(`${options.address} closed a kept connection`));
      } else reject(new PeerError(`cannot reach ${options.address}: ${error.message}`));
    });
    request.end(body);
  });
}
