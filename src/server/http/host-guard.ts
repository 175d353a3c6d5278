import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../api-error';
import { isOriginForm } from './request-target';

/**
 * DNS-rebinding guard. A web page on the internet can make a browser on the kiosk send
 * requests to 127.0.0.1 under the page's own host name; such a request carries that
 * name in its Host header. Only the names this server is really reached by are served.
 */
export function registerHostGuard(app: FastifyInstance, allowedHosts: () => ReadonlySet<string>): void {
  app.addHook('onRequest', (request, _reply, done) => {
    done(hostRefusal(request, allowedHosts));
  });
}

/** The guard's decision, also asked by the router's own error path, which runs before any hook. */
export function hostRefusal(request: FastifyRequest, allowedHosts: () => ReadonlySet<string>): ApiError | undefined {
  if (!isOriginForm(request.originalUrl)) {
    return new ApiError('2400', 'Send the path alone ("GET /v1/get"), not a full URL.');
  }
  const host = request.headers.host?.toLowerCase();
  if (!host || !allowedHosts().has(host)) {
    return new ApiError('2600', 'This server does not answer for that host name.', { status: 421 });
  }
  return undefined;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function hostNamesFor(boundHost: string, port: number, extra: readonly string[] = []): Set<string> {
  const isLoopback = LOOPBACK_NAMES.includes(boundHost) || boundHost === '::1' || boundHost.startsWith('127.');
  const names = isLoopback ? [...LOOPBACK_NAMES, boundHost] : [boundHost.includes(':') ? `[${boundHost}]` : boundHost];
  return new Set([...names, ...extra].map((name) => `${name}:${port}`.toLowerCase()));
}
