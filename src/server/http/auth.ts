import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import { ApiError } from '../api-error';
import { hasThumbUrlParts, thumbUrlParts } from '../security/thumb-urls';
import { hashToken } from '../security/tokens';
import type { AuthService } from '../services/auth-service';
import { isApiPath } from './request-target';

export type AuthMode = 'token' | 'none' | 'form' | 'signed';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Who may call the route. Unset means `token`: a route is closed unless it says
     * otherwise. `none`: open to all (sign-in, first-run set-up, the API document, the
     * renderer's files); `form`: the token may also come as the form field `access_token`;
     * `signed`: instead of the token, a signed URL for the route's `:id` (the thumbnail,
     * see security/thumb-urls.ts).
     */
    auth?: AuthMode;
  }
  interface FastifyRequest {
    userId?: number;
    accessToken?: string;
    /** For a request made with a signed URL: how many seconds it is still good for. */
    signedUrlSecondsLeft?: number;
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
 * The route's own word decides, never the URL's text: the router and a string test can
 * disagree about what a path means (`/%761/get` is `/v1/get` to the router). A request
 * that matches no route is closed too, unless it is a page load outside the API, which
 * gets the renderer's shell and no data.
 */
export function authModeOf(request: FastifyRequest): AuthMode {
  if (!request.is404) return request.routeOptions.config.auth ?? 'token';
  const pageLoad = (request.method === 'GET' || request.method === 'HEAD') && !isApiPath(request.url);
  return pageLoad ? 'none' : 'token';
}

/**
 * For a request the router refused before any hook could run (a path that cannot be
 * decoded, a parameter too long): the token is still checked first, as everywhere.
 */
export function tokenRefusal(request: FastifyRequest, auth: AuthService): ApiError | undefined {
  try {
    const token = tokenFromHeader(request);
    if (token === undefined) return new ApiError('1190');
    auth.authenticate(token);
    return undefined;
  } catch (error) {
    return error instanceof ApiError ? error : new ApiError('1403');
  }
}

/**
 * A client sends the same token on every request of a connection: its hash is kept with
 * the connection (and goes with it) rather than computed again for each thumbnail.
 */
const tokenHashes = new WeakMap<Socket, { token: string; hash: Buffer }>();

function tokenHashOn(socket: Socket, token: string): Buffer {
  const known = tokenHashes.get(socket);
  if (known?.token === token) return known.hash;
  const hash = hashToken(token);
  tokenHashes.set(socket, { token, hash });
  return hash;
}

/**
 * Every request must carry a valid token before anything else is looked at, unless its
 * route opts out. Routes that take the token from the form authenticate while reading it
 * (`readForm`), before any file part is buffered.
 */
export function registerAuthentication(app: FastifyInstance, auth: AuthService): void {
  // Callback hooks, here and in the other guards: a hook that returns a promise costs a
  // promise and a turn of the microtask queue per request (bench/serving.ts).
  app.addHook('onRequest', (request, _reply, done) => {
    authenticateRequest(request);
    done();
  });

  function authenticateRequest(request: FastifyRequest): void {
    const mode = authModeOf(request);
    if (mode === 'none') return;
    if (mode === 'signed' && request.headers.authorization === undefined && hasThumbUrlParts(request.query)) {
      const parts = thumbUrlParts(request.query);
      if (!parts) throw new ApiError('1403', 'This thumbnail link is not valid: ask with the token.');
      const { id } = request.params as { id: string };
      const signed = auth.authenticateThumbUrl(id, parts);
      request.userId = signed.userId;
      request.signedUrlSecondsLeft = signed.secondsLeft;
      app.connectionGuard.trust(request.raw.socket);
      return;
    }
    const token = tokenFromHeader(request);
    if (token === undefined) {
      // Only a multipart form can carry the token as a field (read before the rest, in
      // readForm); any other body is not read at all: no token, 1190, whatever it holds.
      if (mode === 'form' && /^multipart\/form-data\b/i.test(request.headers['content-type'] ?? '')) return;
      throw new ApiError('1190');
    }
    request.userId = auth.authenticateHash(tokenHashOn(request.raw.socket, token));
    request.accessToken = token;
    app.connectionGuard.trust(request.raw.socket);
  }
}
