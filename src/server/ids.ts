import { randomBytes } from 'node:crypto';

/**
 * 128 random bits as 22 base64url characters: unguessable, URL-safe, never reused. One
 * that would start with "-" or "_" is drawn again: a spreadsheet reads a leading "-" as a
 * formula, and the CSV export would have to change the ID to keep it text.
 */
export function newVisitorId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}

const VISITOR_ID = /^[A-Za-z0-9_-]{22}$/;

/** Anything else (dots, slashes, NUL, other lengths) cannot name a visitor or a file. */
export function isVisitorId(value: string): boolean {
  return VISITOR_ID.test(value);
}

/** A numbered object's ID in a path (a host, an account, an expected visit): digits only, or it names nothing. */
export function parseNumericId(value: string): number | undefined {
  // Numbers made at another desk of the site run to 16 digits (db/own-numbers.ts).
  return /^[1-9]\d{0,15}$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : undefined;
}
