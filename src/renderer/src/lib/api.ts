import { ERROR_TABLE, isErrorCode, type ApiErrorBody, type ErrorCode } from '../../../shared/errors';

/** An error answer of the /v1 API, or `network` when the server could not be reached. */
export class ApiRequestError extends Error {
  constructor(
    readonly code: ErrorCode | 'network',
    message: string,
    readonly status: number,
    readonly field?: string,
  ) {
    super(message);
  }

  get isAuthFailure(): boolean {
    return this.code === '1190' || this.code === '1403';
  }
}

export interface RequestOptions {
  token?: string | null;
  signal?: AbortSignal;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: BodyInit;
  /** A JSON body: sent with its Content-Type. */
  json?: unknown;
  /** The body's Content-Type when it is not JSON or a form (a CSV file). */
  contentType?: string;
}

async function request(path: string, options: RequestOptions): Promise<Response> {
  const headers = new Headers();
  if (options.token) headers.set('authorization', `Token ${options.token}`);
  if (options.json !== undefined) headers.set('content-type', 'application/json');
  else if (options.contentType) headers.set('content-type', options.contentType);
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.json !== undefined ? JSON.stringify(options.json) : (options.body ?? null),
      signal: options.signal ?? null,
      // Photos are cached by the HTTP cache (private, immutable); JSON is no-store anyway.
      credentials: 'omit',
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    // Says nothing of retrying: reads are retried by their queries, but a change is not.
    throw new ApiRequestError('network', 'Frontdesk’s server cannot be reached.', 0);
  }
  if (!response.ok) throw await toRequestError(response);
  return response;
}

async function toRequestError(response: Response): Promise<ApiRequestError> {
  try {
    const body = (await response.json()) as ApiErrorBody & { errors: { field?: string } };
    const code = body.errors.code;
    if (isErrorCode(code)) return new ApiRequestError(code, body.errors.message, response.status, body.errors.field);
  } catch {
    // Not the contract's JSON: fall through to a generic message.
  }
  return new ApiRequestError('5501', ERROR_TABLE['5501'].message, response.status);
}

export async function apiJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await (await request(path, options)).json()) as T;
}

/** An answer whose body the caller reads as it arrives (the events stream). */
export function openStream(path: string, options: RequestOptions = {}): Promise<Response> {
  return request(path, options);
}

export async function apiBlob(path: string, options: RequestOptions = {}): Promise<Blob> {
  return (await request(path, options)).blob();
}
