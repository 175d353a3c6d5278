import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error';
import type { ServedAt } from './host-guard';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A web page anywhere can make the kiosk's browser POST a form to 127.0.0.1 (no CORS
 * preflight for a form), for instance to claim the first-run account before staff do.
 * Every state-changing request is refused when the browser says it comes from another
 * site, with or without an Authorization header (a browser can attach cached HTTP
 * credentials by itself). The desk's own page is same-origin; clients that are not
 * browsers send neither header and pass.
 */
export function registerCrossSiteGuard(app: FastifyInstance, servedAt: () => ServedAt): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (!SAFE_METHODS.has(request.method)) {
      const fetchSite = request.headers['sec-fetch-site'];
      if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') refuse();
      const origin = request.headers.origin;
      if (origin !== undefined && !servedAt().origins.has(originOf(origin))) refuse();
    }
    done();
  });
}

/** The origin as URL spells it (scheme, lower-case host, a default port left out). */
function originOf(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return ''; // `null` (a sandboxed frame, a file) and anything unparsable
  }
}

function refuse(): never {
  throw new ApiError('2400', 'Requests from another web site are refused.', { status: 403 });
}
