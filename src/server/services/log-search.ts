import { ApiError } from '../api-error';

/**
 * Turns what a receptionist types into an FTS5 query: every word must match the start
 * of a word in the name, purpose, mobile, card number or visitee ("jo sm" finds John
 * Smith). Words are quoted, so FTS5 syntax typed by a user is just text.
 */
export function toFtsQuery(text: string): string | null {
  const words = text.normalize('NFC').match(/[\p{L}\p{N}]+/gu);
  if (!words) return null;
  return words.map((word) => `"${word}"*`).join(' ');
}

/** Cursors are opaque to clients; inside, the `seq` the next page starts below. */
export function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const match = /^s(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (!match) throw new ApiError('2400', 'The cursor is not one this server gave out.');
  return Number(match[1]);
}
