import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { IMAGE_MAX_BYTES } from '../../shared/visitor-fields';
import { ApiError } from '../api-error';
import type { AppContext } from '../context';
import { logger } from '../log';
import { registerAuthentication } from './auth';
import { registerErrorHandling, sendError, toLoggedApiError } from './errors';
import { registerHostGuard } from './host-guard';
import { oauthRoutes } from './routes/oauth';
import { photoRoutes } from './routes/photos';
import { visitorRoutes } from './routes/visitors';
import { registerSecurityHeaders } from './security-headers';

export interface AppOptions {
  /** The built renderer to serve at `/`, so the UI and the API share one origin. */
  rendererDir?: string | undefined;
  allowedHosts: () => ReadonlySet<string>;
}

/** Per-request lines only when debugging: a grid of thumbnails would flood the log. */
function httpLogger(): FastifyBaseLogger {
  const log = logger('http');
  if (log.level !== 'silent' && process.env.FRONTDESK_LOG !== 'debug') log.level = 'warn';
  return log;
}

export async function buildApp(ctx: AppContext, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: httpLogger(),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
    // Sign-in forms are tiny; the only large body, the photo, is multipart with its own limit.
    bodyLimit: 64 * 1024,
    return503OnClosing: true,
    // Errors the router raises before any route runs (a NUL in the path, a bad Content-Type).
    // Malformed HTTP itself (a body longer or shorter than announced, bad framing): still the contract's JSON.
    clientErrorHandler: (_error, socket) => {
      const body = JSON.stringify(new ApiError('2400', 'The request could not be read.').toBody());
      if (socket.writable) {
        socket.end(
          `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy();
    },
    frameworkErrors: (error, request, reply) => {
      void sendError(reply, toLoggedApiError(error, request));
    },
  });

  registerHostGuard(app, options.allowedHosts);
  registerSecurityHeaders(app);
  registerErrorHandling(app);
  registerAuthentication(app, ctx.auth);

  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(multipart, {
    throwFileSizeLimit: true,
    limits: {
      // One byte over the limit reaches readForm, which refuses at once; at exactly the
      // limit busboy would stop delivering and wait, silently, for a part that may never end.
      fileSize: IMAGE_MAX_BYTES + 1,
      files: 1,
      fields: 20,
      parts: 21,
      fieldNameSize: 100,
      fieldSize: 1000,
      headerPairs: 20,
    },
  });

  oauthRoutes(app, ctx);
  visitorRoutes(app, ctx);
  photoRoutes(app, ctx);

  if (options.rendererDir) {
    await app.register(fastifyStatic, { root: options.rendererDir, wildcard: false, index: 'index.html' });
  }
  app.setNotFoundHandler(async (request, reply) => {
    const isApi = request.url === '/v1' || request.url.startsWith('/v1/');
    // The renderer routes on the client: any other page path gets the app's shell.
    if (!isApi && options.rendererDir && request.method === 'GET') return reply.sendFile('index.html');
    return sendError(
      reply,
      new ApiError('2600', `There is no endpoint ${request.method} ${request.url.split('?')[0]}.`),
    );
  });

  return app;
}
