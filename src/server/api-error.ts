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
    options: { status?: number; headers?: Record<string, string>; field?: string } = {},
  ) {
    super(message);
    this.status = options.status ?? ERROR_TABLE[code].status;
    this.headers = options.headers ?? {};
    this.field = options.field;
  }

  readonly headers: Record<string, string>;
  /** The form field at fault, so a client can show the message beside it. An addition to the contract's body. */
  readonly field: string | undefined;

  toBody(): ApiErrorBody {
    const errors = { message: this.message, type: ERROR_TABLE[this.code].type, code: this.code };
    return { success: false, errors: this.field ? { ...errors, field: this.field } : errors };
  }
}
