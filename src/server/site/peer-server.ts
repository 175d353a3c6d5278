import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import fs from 'node:fs';
import type { SecureContext, TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { AppContext } from '../context';
import type { DeskRow } from '../db/repositories/site';
import { isVisitorId } from '../ids';
import { logger } from '../log';
import { fingerprintOf, pem, type DeskCredentials } from './desk-certificate';
import { peerAddressOf } from '../../shared/site';
import { changesRequestSchema, joinRequestSchema } from './protocol';
import { SiteError } from './site-service';

const log = logger('peers');

/**
 * Who may call a peer route: `desk`, a desk of the site that is not revoked, recognised by
 * the certificate it presents; `joining`, a desk with a join code. A route that says neither
 * answers nobody: the check is by the route's own configuration, so a route cannot be
 * forgotten.
 */
type PeerAccess = 'desk' | 'joining';

declare module 'fastify' {
  interface FastifyContextConfig {
    peer?: PeerAccess;
  }
}

/**
 * The sites a peer listener serves: a desk's one, or every site a company server holds
 * (company/company-sites.ts), each a store of its own, known to its desks by a key of its
 * own. A connection names the certificate it expects (peer-client.ts, peerServerName), and
 * so the site; a request on it is answered from that site's store only, and only for a desk
 * of that site (or a desk joining it with its code).
 */
export interface PeerSites {
  /** What the listener presents where no site is named (a desk: its own key). */
  credentials(): DeskCredentials | undefined;
  /** The key of the site a connection names, for a listener of several (none: the default). */
  secureContext?(serverName: string): Promise<SecureContext | undefined>;
  /** The site a connection names (a desk's listener: its own, whatever the name). */
  siteFor(serverName: string | false | null): AppContext | undefined;
}

/** A desk's own site, the one its listener serves. */
export function deskSite(ctx: AppContext): PeerSites {
  return { credentials: () => ctx.site.credentials(), siteFor: () => ctx };
}

/** The site each request is answered from, and the desk asking (none for a joining one), set as it is recognised. */
const askingOf = new WeakMap<FastifyRequest, { site: AppContext; desk: DeskRow | undefined }>();

const fingerprintOfSocket = (request: FastifyRequest): string | undefined => {
  const raw = (request.raw.socket as TLSSocket).getPeerCertificate?.(false)?.raw as Buffer | undefined;
  if (!raw) return undefined;
  return fingerprintOf(pem('CERTIFICATE', raw));
};

/**
 * The peer listener (API contract Part 3, Two listeners): TLS only, pairing and
 * replication only. The staff /v1 API is not here; anything else is refused.
 */
export async function startPeerServer(
  sites: PeerSites,
  options: { host: string; port: number },
): Promise<{ address: string; close: () => Promise<void> }> {
  const credentials = sites.credentials();
  if (!credentials) throw new SiteError('This desk does not belong to a site: it has no peer certificate yet.');
  const app: FastifyInstance = Fastify({
    https: {
      key: credentials.key,
      cert: credentials.certificate,
      requestCert: true,
      rejectUnauthorized: false,
      ...(sites.secureContext
        ? {
            SNICallback: (name: string, done: (error: Error | null, context?: SecureContext) => void) => {
              sites.secureContext!(name).then(
                (context) => done(null, context),
                (error: unknown) => done(error as Error),
              );
            },
          }
        : {}),
    },
    bodyLimit: 1024 * 1024,
    logger: false,
    // No routes but these: a request for /v1 or anything else is 404.
    return503OnClosing: true,
    // Desks keep their connections open (peer-client.ts): closing (a move, a stop) ends them
    // all at once rather than waiting for each to fall idle. A call cut off is asked again
    // at the next round; every peer call may be.
    forceCloseConnections: true,
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.peer;
    const site = sites.siteFor((request.raw.socket as TLSSocket).servername);
    const fingerprint = fingerprintOfSocket(request);
    const desk = site && access === 'desk' && fingerprint !== undefined ? site.site.deskOf(fingerprint) : undefined;
    const allowed = site !== undefined && (access === 'joining' || desk !== undefined);
    if (!allowed) throw new SiteError('This listener answers only the desks of its site.', 403);
    askingOf.set(request, { site, desk });
  });
  const siteOf = (request: FastifyRequest): AppContext => askingOf.get(request)!.site;

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof SiteError) return reply.code(error.status).send({ message: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status < 500)
      return reply.code(status).send({ message: 'That is not a request this listener takes.' });
    log.error({ err: error }, 'a peer request failed');
    return reply.code(500).send({ message: 'The desk could not answer; it will be asked again.' });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ message: 'Not a peer route.' }));

  app.post('/peer/v1/join', { config: { peer: 'joining' } }, async (request) => {
    const parsed = joinRequestSchema.safeParse(request.body);
    if (!parsed.success) throw new SiteError('That is not a join request.', 400);
    // The new desk proves it holds the key of the certificate it gives.
    if (fingerprintOfSocket(request) !== fingerprintOf(parsed.data.desk.certificate)) {
      throw new SiteError('The certificate presented is not the one given.', 400);
    }
    return siteOf(request).site.acceptJoin(parsed.data.code, parsed.data.desk);
  });

  app.post('/peer/v1/changes', { config: { peer: 'desk' } }, async (request) => {
    const parsed = changesRequestSchema.safeParse(request.body);
    if (!parsed.success) throw new SiteError('That is not a request for changes.', 400);
    const { site: ctx, desk } = askingOf.get(request)!;
    const asker = ctx.site.calledFrom(desk!, parsed.data);
    return ctx.replication.changesFor(parsed.data.have, parsed.data.limit, parsed.data.audit_have, asker);
  });

  app.get<{ Params: { id: string; kind: string } }>(
    '/peer/v1/photos/:id/:kind',
    { config: { peer: 'desk' } },
    async (request, reply) => {
      const { id, kind } = request.params;
      if (!isVisitorId(id) || (kind !== 'original' && kind !== 'thumb')) throw new SiteError('No such photo.', 404);
      const photo = siteOf(request).photos.find(id, kind);
      return reply.type('application/octet-stream').send(await fs.promises.readFile(photo.path));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/peer/v1/signatures/:id',
    { config: { peer: 'desk' } },
    async (request, reply) => {
      const { id } = request.params;
      const signature = isVisitorId(id) ? siteOf(request).agreements.signaturePng(id) : undefined;
      if (!signature) throw new SiteError('No such signature.', 404);
      return reply.type('application/octet-stream').send(signature);
    },
  );

  await app.listen({ host: options.host, port: options.port });
  const { port } = app.server.address() as AddressInfo;
  return { address: peerAddressOf({ host: options.host, port }), close: () => app.close() };
}
