/**
 * The error table of the /v1 contract (API contract). Server and renderer both read
 * it: the server to answer, the renderer to know which field a code concerns.
 */
export const ERROR_TABLE = {
  '1142': { type: 'OAuthException', status: 401, message: 'Wrong username or password.' },
  '1157': { type: 'OAuthException', status: 400, message: 'Username or password not supplied.' },
  '1190': {
    type: 'OAuthException',
    status: 401,
    message: 'No access token, or the Authorization header is not "Token <token>".',
  },
  '1403': { type: 'OAuthException', status: 401, message: 'Access token unknown, expired or revoked.' },
  '1300': {
    type: 'PermissionException',
    status: 403,
    message: "The signed-in account's role does not allow this.",
  },
  '2200': { type: 'APIMethodException', status: 400, message: 'Required form data not supplied.' },
  '2301': { type: 'APIMethodException', status: 400, message: 'cardno has a wrong format.' },
  '2302': { type: 'APIMethodException', status: 400, message: 'mobile has a wrong format.' },
  '2303': { type: 'APIMethodException', status: 400, message: 'purpose has a wrong format.' },
  '2400': { type: 'APIMethodException', status: 400, message: 'Data in a wrong format, or too large.' },
  '2409': {
    type: 'APIMethodException',
    status: 409,
    message: 'The request conflicts with the current state.',
  },
  '2451': {
    type: 'WatchlistException',
    status: 409,
    message: 'This person matches an entry of the watchlist.',
  },
  '2415': { type: 'APIMethodException', status: 415, message: 'Unsupported media type.' },
  '2600': { type: 'APIMethodException', status: 404, message: 'Unknown endpoint or path components.' },
  '3100': { type: 'APIMethodException', status: 400, message: 'A required path parameter is missing.' },
  '3404': { type: 'APIMethodException', status: 404, message: 'Object not found.' },
  '4515': {
    type: 'RequestedObjectException',
    status: 404,
    message: 'The requested image is not available.',
  },
  '5501': { type: 'ServerSideException', status: 503, message: 'Temporary server problem; retry later.' },
} as const;

export type ErrorCode = keyof typeof ERROR_TABLE;

export interface ApiErrorBody {
  success: false;
  errors: { message: string; type: string; code: ErrorCode; field?: string };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_TABLE, value);
}
