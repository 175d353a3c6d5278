import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../api-error';
import { logger, pathOf } from '../log';
import { COMMIT_UNKNOWN } from '../db/sql-database';
import { imageTooLarge } from './form';

const log = logger('http');

/**
 * The one place where anything thrown becomes a response. Clients get a JSON body
 * from the contract's table; the details of an unexpected error go to the log only,
 * never to the client.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const code = (error as FastifyError | NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return imageTooLarge();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('2400', 'The request body is too large.', { status: 413 });
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new ApiError('2400', 'The form has too many fields.', { status: 413 });
    case 'FST_FILES_LIMIT':
      return new ApiError('2400', 'Send exactly one image.');
    case 'FST_PROTO_VIOLATION':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_MP_PREMATURE_CLOSE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new ApiError('2400', 'The request body could not be read.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('2415', 'This endpoint does not accept that Content-Type.');
    case 'FST_ERR_VALIDATION': {
      // A query string, path parameter or JSON body that its zod schema refused: its first
      // message, which names the field (the schema's own words, or the field put in front).
      const issue = (error as FastifyError).validation?.[0];
      const field = issue?.instancePath.replace(/^\//, '').replaceAll('/', '.') || undefined;
      const message = issue?.message ?? 'The request has a value in a wrong format.';
      const named = !field || message.toLowerCase().includes(field.toLowerCase()) ? message : `${field}: ${message}`;
      return new ApiError('2400', named, { field });
    }
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // Only path parameters can be badly encoded (a NUL, a lone %) or overlong: no visitor has such an ID.
      return new ApiError('3404', 'There is no visitor with that ID.');
    case 'ENOSPC':
    case 'EROFS':
    case 'EDQUOT':
    case 'EACCES':
    case 'EPERM':
    case 'EIO':
    case COMMIT_UNKNOWN:
      return new ApiError(
        '5501',
        'The database did not confirm the change; it may have been saved. Look before trying again.',
      );
    // A company server's PostgreSQL out of reach, or another instance holding the write lock
    // (db/postgres), as a desk's locked or full disk: nothing was saved, a retry may succeed.
    case 'DATABASE_UNAVAILABLE':
    case 'WRITE_LOCK_BUSY':
    case '55P03':
    case 'SQLITE_BUSY':
    case 'SQLITE_FULL':
    case 'SQLITE_READONLY':
    case 'SQLITE_IOERR':
      return new ApiError('5501', 'The kiosk could not store the data right now; nothing was saved. Retry later.');
    default: {
      // Anything else the framework refuses as the client's fault is a malformed request.
      const status = (error as FastifyError | undefined)?.statusCode;
      if (status !== undefined && status >= 400 && status < 500) return new ApiError('2400');
      return new ApiError('5501');
    }
  }
}

/** toApiError, and the full story in the log when it is our fault rather than the client's. */
export function toLoggedApiError(error: unknown, request: FastifyRequest): ApiError {
  const apiError = toApiError(error);
  // Our own refusals (busy) were decided on purpose; anything else is a fault to look at.
  if (apiError.code === '5501' && !(error instanceof ApiError)) {
    log.error({ err: error, method: request.method, url: pathOf(request.url) }, 'request failed');
  }
  return apiError;
}

export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  return (
    reply
      .code(error.status)
      .headers(error.headers)
      .header('cache-control', 'no-store')
      .type('application/json; charset=utf-8')
      // Written here, not by the route's serializer: an error must reach the client even
      // if a route's document forgot its code (the API tests catch that against the document).
      .send(JSON.stringify(error.toBody()))
  );
}

/**
 * How long, and how much, a refused body is still read and thrown away after the answer.
 * Closing a socket that has unread bytes waiting makes the kernel send a reset, and a
 * reset can destroy the answer in the client's buffers before the client reads it: the
 * client would see ECONNRESET instead of the 413. So the server says its piece, closes
 * its side, and discards what is still in flight (bounded, never buffered) until the
 * client stops, as nginx's lingering close does.
 */
const LINGER_MS = 2000;
const LINGER_MAX_BYTES = 32 * 1024 * 1024;

function closeAfterDiscarding(raw: IncomingMessage): void {
  const socket = raw.socket;
  let discarded = 0;
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  raw.unpipe();
  raw.resume();
  // Counted on the socket: Node itself may already be dumping the request body, and a
  // dumped body emits no 'data' events of its own.
  socket.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_MAX_BYTES) socket.destroy();
  });
  socket.end();
}

export function registerErrorHandling(app: FastifyInstance): void {
  // A request answered before its body was read (refused, too large, not authenticated):
  // the answer says the connection closes, so a client never reuses it for its next request
  // and finds it gone ("socket hang up"), and the rest of the body is never read. Node would
  // destroy the socket the moment the answer is written, resetting a client that is still
  // sending: the connection lingers instead (closeAfterDiscarding).
  app.addHook('onSend', (request, reply, payload, done) => {
    const raw = request.raw;
    if (!raw.complete && raw.socket && !raw.socket.destroyed) {
      reply.header('connection', 'close');
      raw.socket.destroySoon = () => closeAfterDiscarding(raw);
    }
    done(null, payload);
  });
  app.setErrorHandler((error, request: FastifyRequest, reply) => sendError(reply, toLoggedApiError(error, request)));
}
