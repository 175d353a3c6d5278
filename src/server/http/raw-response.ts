import http from 'node:http';
import { ApiError } from '../api-error';

/**
 * A whole HTTP response with the contract's 2400 body, for the places that answer on the
 * socket itself: before any request object exists (malformed HTTP, CONNECT), or past a
 * deadline the request missed (connection-guard.ts).
 */
export function rawJsonError(status: number, message: string): string {
  const body = JSON.stringify(new ApiError('2400', message).toBody());
  return (
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}
