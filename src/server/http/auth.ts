import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../api-error';
import type { AuthService } from '../services/auth-service';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `none`: open to all (only sign-in and first-run set-up); `form`: also accepts the form field `access_token`. */
    auth?: 'none' | 'form';
  }
  interface FastifyRequest {
    userId?: number;
    accessToken?: string;
  }
}

const TOKEN_HEADER = /^token\s+(\S+)\s*$/i;

/** The token from `Authorization: Token <token>`; 1190 when the header is missing or malformed. */
export function tokenFromHeader(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = TOKEN_HEADER.exec(header);
  if (!match) throw new ApiError('1190');
  return match[1];
}

/**
 * Every /v1 request, including one for a path that does not exist, must carry a valid
 * token before anything else is looked at, unless its route opts out. Routes that take
 * the token from the form authenticate in the handler, once the form has been read.
 */
export function registerAuthentication(app: FastifyInstance, auth: AuthService): void {
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/v1/') && request.url !== '/v1') return;
    const mode = request.routeOptions.config.auth;
    if (mode === 'none') return;
    const token = tokenFromHeader(request);
    if (token === undefined) {
      if (mode === 'form') return;
      throw new ApiError('1190');
    }
    request.userId = auth.authenticate(token);
    request.accessToken = token;
  });
}

/** For a route with `auth: 'form'`: the user from the header (already checked) or the form field. */
export function userFromHeaderOrForm(
  request: FastifyRequest,
  auth: AuthService,
  fields: Record<string, string>,
): number {
  if (request.userId !== undefined) return request.userId;
  const token = fields.access_token;
  if (!token) throw new ApiError('1190');
  return auth.authenticate(token);
}
