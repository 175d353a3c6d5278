import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import { IMAGE_MAX_BYTES } from '../../shared/visitor-fields';
import { ApiError } from '../api-error';
import type { AppContext } from '../context';
import { logger } from '../log';
import { authModeOf, registerAuthentication, tokenRefusal, type AuthMode } from './auth';
import { registerCrossSiteGuard } from './cross-site-guard';
import { registerErrorHandling, sendError, toLoggedApiError } from './errors';
import { hostRefusal, registerHostGuard, type ServedAt } from './host-guard';
import { ConnectionGuard, DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './connection-guard';
import { createNodeServer, DEFAULT_TIMEOUTS, type RequestTimeouts } from './node-server';
import { rawJsonError } from './raw-response';
import { registerApiDocument } from './openapi';
import { adminRoutes } from './routes/admin';
import { badgeRoutes } from './routes/badges';
import { evacuationRoutes } from './routes/evacuations';
import { eventRoutes } from './routes/events';
import { expectedRoutes } from './routes/expected';
import { checkinFlowRoutes } from './routes/checkin-flows';
import { oauthRoutes } from './routes/oauth';
import { photoRoutes } from './routes/photos';
import { visitorRoutes } from './routes/visitors';
import { normaliseRequestTarget } from './request-target';
import { registerSecurityHeaders } from './security-headers';
import { registerEncodedAnswers } from './serializer';
import { registerThumbUrls } from './thumb-urls';
import type { PeerListener } from '../site/peer-listener';
import { companySiteRoutes, siteRoutes } from './routes/site';
import type { CompanySites } from '../company/company-sites';

export interface AppOptions {
  /** The built renderer to serve at `/`, so the UI and the API share one origin. */
  rendererDir?: string | undefined;
  servedAt: () => ServedAt;
  timeouts?: Partial<RequestTimeouts>;
  connectionLimits?: Partial<ConnectionLimits>;
  /** The peer listener, started when this desk creates or joins a site (API contract Part 3). */
  peers: PeerListener;
  /** A company server's sites (GET /v1/sites); none on a desk. */
  sites?: CompanySites;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Which connections are kept; told by authentication which ones proved a token. */
    connectionGuard: ConnectionGuard;
  }
}

/** Per-request lines only when debugging: a grid of thumbnails would flood the log. */
const REQUEST_LOGGING = process.env.FRONTDESK_LOG === 'debug';

function httpLogger(): FastifyBaseLogger {
  const log = logger('http');
  if (log.level !== 'silent' && !REQUEST_LOGGING) log.level = 'warn';
  return log;
}

/** A registered route as the walking tests and the API document see it. */
export interface RouteSummary {
  method: string;
  url: string;
  auth: AuthMode;
}

export interface BuiltApp {
  app: FastifyInstance;
  /** Every route registered, HEAD twins included, read after registration ends. */
  routes: () => RouteSummary[];
}

export async function buildApp(ctx: AppContext, options: AppOptions): Promise<BuiltApp> {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const guard = new ConnectionGuard({ ...DEFAULT_CONNECTION_LIMITS, ...options.connectionLimits });
  const app = Fastify({
    loggerInstance: httpLogger(),
    // Without per-request lines a per-request child logger (its request ID) is never
    // written: each request shares the http logger instead (bench/serving.ts).
    logController: new LogController({ disableRequestLogging: !REQUEST_LOGGING }),
    ...(REQUEST_LOGGING ? {} : { childLoggerFactory: (parent: FastifyBaseLogger) => parent }),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
    rewriteUrl: (request) => normaliseRequestTarget(request.url ?? '/'),
    serverFactory: (handler) => createNodeServer(handler, timeouts, guard),
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    // Sign-in forms are tiny; the only large body, the photo, is multipart with its own limit.
    bodyLimit: 64 * 1024,
    return503OnClosing: true,
    // Errors the router raises before any route runs (a NUL in the path, a bad Content-Type).
    // Malformed HTTP itself (a body longer or shorter than announced, bad framing): still the contract's JSON.
    clientErrorHandler: (error, socket) => {
      const timedOut = (error as NodeJS.ErrnoException).code === 'ERR_HTTP_REQUEST_TIMEOUT';
      if (socket.writable) {
        socket.end(
          timedOut
            ? rawJsonError(408, 'The request took too long to arrive.')
            : rawJsonError(400, 'The request could not be read.'),
        );
      }
      socket.destroy();
    },
    frameworkErrors: (error, request, reply) => {
      // No hook has run for these: the Host and the token are still checked first.
      const refusal = hostRefusal(request, options.servedAt) ?? tokenRefusal(request, ctx.auth);
      void sendError(reply, refusal ?? toLoggedApiError(error, request));
    },
  });

  app.decorate('connectionGuard', guard);

  // Kept by reference: scopes' own onRoute hooks (the renderer's files) set their config after this one runs.
  const registered: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    registered.push(route);
  });

  registerHostGuard(app, options.servedAt);
  registerSecurityHeaders(app);
  registerErrorHandling(app);
  registerCrossSiteGuard(app, options.servedAt);
  registerAuthentication(app, ctx.auth);
  registerThumbUrls(app, ctx.auth);
  registerEncodedAnswers(app);

  // Before any route: the document is collected from the routes as they register.
  await registerApiDocument(app);
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(multipart, {
    throwFileSizeLimit: true,
    limits: {
      // One byte over the limit reaches readForm, which refuses at once; at exactly the
      // limit busboy would stop delivering and wait, silently, for a part that may never end.
      fileSize: IMAGE_MAX_BYTES + 1,
      // The photo and, for a type with an agreement, the signature.
      files: 2,
      fields: 20,
      parts: 22,
      fieldNameSize: 100,
      fieldSize: 1000,
      headerPairs: 20,
    },
  });

  oauthRoutes(app, ctx);
  siteRoutes(app, ctx, options.peers);
  if (options.sites) companySiteRoutes(app, options.sites);
  visitorRoutes(app, ctx, timeouts, options.sites);
  expectedRoutes(app, ctx);
  checkinFlowRoutes(app, ctx);
  badgeRoutes(app, ctx);
  evacuationRoutes(app, ctx, options.sites);
  await adminRoutes(app, ctx, options.peers, options.sites);
  photoRoutes(app, ctx, options.sites);
  eventRoutes(app, ctx, options.sites);

  const rendererDir = options.rendererDir;
  if (rendererDir) {
    // The renderer's own files hold no data: the one scope whose routes are open to all.
    await app.register(async (files) => {
      files.addHook('onRoute', (route) => {
        route.config = { ...route.config, auth: 'none' };
      });
      await files.register(fastifyStatic, { root: rendererDir, wildcard: false, index: 'index.html' });
    });
  }
  // The renderer routes on the client: a page path it knows (no file extension) gets the
  // app's shell; authModeOf let only such page loads through without a token.
  const shell = rendererDir ? fs.readFileSync(path.join(rendererDir, 'index.html')) : undefined;
  app.setNotFoundHandler(async (request, reply) => {
    const pathname = request.url.split('?')[0]!;
    if (shell && authModeOf(request) === 'none' && !/\.[a-z0-9]+$/i.test(pathname)) {
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(shell);
    }
    return sendError(
      reply,
      new ApiError('2600', `There is no endpoint ${request.method} ${request.url.split('?')[0]}.`),
    );
  });

  return {
    app,
    routes: () =>
      registered.flatMap((route) =>
        [route.method].flat().map((method) => ({ method, url: route.url, auth: route.config?.auth ?? 'token' })),
      ),
  };
}
