import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { IMAGE_MAX_BYTES, IMAGE_MAX_LABEL } from '../../shared/visitor-fields';
import { SIGNATURE_MAX_BYTES, SIGNATURE_MAX_LABEL } from '../../shared/agreements';
import { ApiError } from '../api-error';

export interface SubmittedForm {
  fields: Record<string, string>;
  image?: Buffer;
  signature?: Buffer;
}

export interface FormOptions {
  image: boolean;
  /** A check-in's drawn signature (API contract Part 5), a file part of at most SIGNATURE_MAX_BYTES. */
  signature?: boolean;
  /**
   * For a route with `auth: 'form'` called without an Authorization header: checks the
   * `access_token` field the moment it arrives. A file part that comes before a valid
   * token is refused with 1190 unread, so no one buffers an image without a token.
   */
  authenticate?: (token: string) => number;
  /** Awaited once the image part begins, after authentication, before a byte of it is read. */
  beforeImage?: () => Promise<void>;
  /** From then on, how long the image may take to arrive whole (408 after that). */
  imageArrivalMs?: number;
}

/**
 * Reads a form sent as multipart, urlencoded or JSON into plain strings. Multipart is
 * streamed with hard limits (see the plugin's registration), so a huge body is cut off
 * while it arrives; only the `image` part is ever buffered, up to its size limit.
 */
export async function readForm(request: FastifyRequest, options: FormOptions): Promise<SubmittedForm> {
  const mustAuthenticate = options.authenticate !== undefined && request.userId === undefined;
  const authenticateWith = (token: string | undefined): void => {
    if (!mustAuthenticate || request.userId !== undefined) return;
    if (!token) throw new ApiError('1190');
    request.userId = options.authenticate!(token);
    request.accessToken = token;
    request.server.connectionGuard.trust(request.raw.socket);
  };
  if (!request.isMultipart()) {
    // Only a multipart form carries a token field (auth.ts refuses any other body without the
    // header before it is read): here the token is the header's, or there is none.
    authenticateWith(undefined);
    return { fields: plainFields(request.body) };
  }
  const fields: Record<string, string> = {};
  const files: Files = {};
  try {
    await readParts(request, options, fields, files, authenticateWith);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // A form that breaks off or has no boundary: the client's fault, after the token's.
    authenticateWith(undefined);
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('FST_')) throw error;
    throw new ApiError('2400', 'The form could not be read: it is malformed or was cut off.');
  }
  authenticateWith(undefined);
  return { fields, ...files };
}

type Files = Pick<SubmittedForm, 'image' | 'signature'>;

async function readParts(
  request: FastifyRequest,
  options: FormOptions,
  fields: Record<string, string>,
  files: Files,
  authenticateWith: (token: string | undefined) => void,
): Promise<void> {
  const authenticated = (): boolean => request.userId !== undefined;
  // Until the token is known, a field's fault is kept, not answered: a client without a
  // token hears 1190, never what was wrong with its form (only access_token is read first).
  let fault: ApiError | undefined;
  const judge = (check: () => void): void => {
    try {
      check();
    } catch (error) {
      if (!(error instanceof ApiError) || authenticated()) throw error;
      fault ??= error;
    }
  };
  const authenticateThenJudge = (token: string | undefined): void => {
    authenticateWith(token);
    if (fault) throw fault;
  };
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      authenticateThenJudge(undefined);
      if (options.signature && part.fieldname === 'signature' && !files.signature) {
        files.signature = await readLimited(part.file, SIGNATURE_MAX_BYTES, signatureTooLarge, options.imageArrivalMs);
        continue;
      }
      if (!options.image || part.fieldname !== 'image' || files.image) {
        part.file.resume();
        throw new ApiError('2400', `Unexpected file field "${part.fieldname}".`);
      }
      await options.beforeImage?.();
      files.image = await readLimited(part.file, IMAGE_MAX_BYTES, imageTooLarge, options.imageArrivalMs);
    } else {
      judge(() => {
        if (part.valueTruncated || part.fieldnameTruncated) {
          throw new ApiError('2400', `The field ${part.fieldname} is too long.`);
        }
        setOnce(fields, part.fieldname, String(part.value));
      });
      if (part.fieldname === 'access_token' && !authenticated()) authenticateThenJudge(fields.access_token);
    }
  }
  authenticateThenJudge(undefined);
}

/**
 * Collects the image part, failing the moment it passes the limit or its deadline: a
 * part that never ends (a flood with no closing boundary, a stalled upload holding its
 * turn) must not be waited for to its end.
 */
async function readLimited(
  stream: Readable,
  limit: number,
  tooLarge: () => ApiError,
  arrivalMs?: number,
): Promise<Buffer> {
  const tooSlow = () => new ApiError('2400', 'The photo took too long to arrive.', { status: 408, field: 'image' });
  const deadline = arrivalMs === undefined ? undefined : setTimeout(() => stream.destroy(tooSlow()), arrivalMs);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw tooLarge();
      chunks.push(chunk);
    }
  } finally {
    clearTimeout(deadline);
  }
  return Buffer.concat(chunks, size);
}

const signatureTooLarge = (): ApiError =>
  new ApiError('2400', `The signature is larger than ${SIGNATURE_MAX_LABEL}.`, { status: 413, field: 'signature' });

/** The one answer to an image over the limit, wherever the limit is found. */
export function imageTooLarge(): ApiError {
  return new ApiError('2400', `The image is larger than ${IMAGE_MAX_LABEL}.`, { status: 413, field: 'image' });
}

function plainFields(body: unknown): Record<string, string> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ApiError('2400', 'The request body must be a form.');
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') setOnce(fields, key, value);
    else if (typeof value === 'number') setOnce(fields, key, String(value));
    else throw new ApiError('2400', `The field ${key} must be a single text value.`);
  }
  return fields;
}

/** A field sent twice is ambiguous: which name did the client mean? Refuse rather than guess. */
function setOnce(fields: Record<string, string>, key: string, value: string): void {
  if (Object.hasOwn(fields, key)) throw new ApiError('2400', `The field ${key} was sent more than once.`);
  fields[key] = value;
}
