import { ERROR_TABLE, type ApiErrorBody, type ErrorCode } from '../shared/errors';

/**
 * The one error type that reaches a client. It knows its type and HTTP status from the
 * contract's table; the message defaults to the table's and may be made more precise.
 */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_TABLE[code].message,
    options: { status?: number; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = options.status ?? ERROR_TABLE[code].status;
    this.headers = options.headers ?? {};
  }

  readonly headers: Record<string, string>;

  toBody(): ApiErrorBody {
    return { success: false, errors: { message: this.message, type: ERROR_TABLE[this.code].type, code: this.code } };
  }
}
