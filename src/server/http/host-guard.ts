import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../api-error';
import { isOriginForm } from './request-target';

/**
 * DNS-rebinding guard. A web page on the internet can make a browser on the kiosk send
 * requests to 127.0.0.1 under the page's own host name; such a request carries that
 * name in its Host header. Only the names this server is really reached by are served.
 */
export function registerHostGuard(app: FastifyInstance, servedAt: () => ServedAt): void {
  app.addHook('onRequest', (request, _reply, done) => {
    done(hostRefusal(request, servedAt));
  });
}

/** The guard's decision, also asked by the router's own error path, which runs before any hook. */
export function hostRefusal(request: FastifyRequest, servedAt: () => ServedAt): ApiError | undefined {
  if (!isOriginForm(request.originalUrl)) {
    return new ApiError('2400', 'Send the path alone ("GET /v1/get"), not a full URL.');
  }
  const host = request.headers.host?.toLowerCase();
  if (!host || !servedAt().hosts.has(host)) {
    return new ApiError('2600', 'This server does not answer for that host name.', { status: 421 });
  }
  return undefined;
}

/**
 * Where this server is reached: the Host header values it answers (as browsers send them:
 * lower case, a default port left out) and the origins of its own pages, for the cross-site
 * guard (cross-site-guard.ts).
 */
export interface ServedAt {
  hosts: ReadonlySet<string>;
  origins: ReadonlySet<string>;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * The names of the address the server is bound to, at its port, over plain HTTP; and each
 * public URL it is reached at through a proxy or a load balancer (a company server's
 * instances behind one address: API contract Part 6), such as https://frontdesk.example.com.
 */
export function servedAtFor(boundHost: string, port: number, publicUrls: readonly string[] = []): ServedAt {
  const isLoopback = LOOPBACK_NAMES.includes(boundHost) || boundHost === '::1' || boundHost.startsWith('127.');
  const bound = boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost;
  // Every address of the machine is no name of it: a page may send a browser on the machine
  // to http://0.0.0.0:port. Bound there, it answers only its public URLs.
  const names = isLoopback ? [...new Set([...LOOPBACK_NAMES, bound])] : isUnspecified(bound) ? [] : [bound];
  const urls = [...names.map((name) => new URL(`http://${name}:${port}`)), ...publicUrls.map(publicUrl)];
  // URL keeps a port only when it is not the scheme's default, as a browser's Host header does.
  return { hosts: new Set(urls.map((url) => url.host)), origins: new Set(urls.map((url) => url.origin)) };
}

/** 0.0.0.0 or ::, which stand for every address of the machine. */
export function isUnspecified(host: string): boolean {
  return /^(0\.0\.0\.0|\[?(::|0*:0*:0*:0*:0*:0*:0*:0*)\]?)$/.test(host);
}

/** A public URL as `serve --public-url` takes it: http(s), a host, nothing else; or an Error saying why not. */
export function publicUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${text} is not a URL: give it as https://name[:port].`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw new Error(`${text}: give an http or https address without a user name or password.`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new Error(`${text}: the server answers at the address's root; leave out the path.`);
  }
  return url;
}
