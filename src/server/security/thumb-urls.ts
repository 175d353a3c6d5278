import { createHmac, randomBytes } from 'node:crypto';

/**
 * Signed thumbnail URLs (API contract Part 1, thumbnails; issue #15): `<img src>` cannot
 * send the Authorization header, so a list answer gives each face a URL of its own,
 * `/v1/photo/thumb/<id>?k=…&e=…&s=…`. Never the token itself: `k` names a key derived
 * from the token's stored hash, `e` is the expiry, and `s` an HMAC over the visitor ID
 * and `e` under that key. A URL is worth one visitor's thumbnail, for at most two hours,
 * and only while its token is valid: sign-out, revocation or a deactivated account ends
 * it with the token.
 */
export const THUMB_URL_WINDOW_MS = 60 * 60 * 1000;

export interface ThumbUrlKey {
  /** Names the key in the URL: the same for every URL of one token, and nothing more. */
  id: string;
  key: Buffer;
}

/**
 * This process's own secret, never stored: with it, the token's stored hash alone (a copy
 * of the database) cannot make a URL. URLs handed out before a restart are refused
 * anyway; the desk then asks with its token and is given new ones.
 */
const PROCESS_SECRET = randomBytes(32);

/** Derived, never stored: it exists exactly as long as the token's row and this process do. */
export function thumbUrlKey(tokenHash: Buffer): ThumbUrlKey {
  const derive = (label: string): Buffer =>
    createHmac('sha256', PROCESS_SECRET).update(tokenHash).update(label).digest();
  return {
    id: derive('frontdesk thumbnail URL key id').subarray(0, 12).toString('base64url'),
    key: derive('frontdesk thumbnail URL key'),
  };
}

/**
 * The end of the window after the current one, in seconds: every URL of one face for one
 * token is the same for an hour, so a screen shown again is answered by the browser's
 * cache without asking the server, and a URL handed out is good for one to two hours.
 */
export function thumbUrlExpiry(nowMs: number): number {
  return ((Math.floor(nowMs / THUMB_URL_WINDOW_MS) + 2) * THUMB_URL_WINDOW_MS) / 1000;
}

export function thumbSignature(key: Buffer, visitorId: string, expiry: number): Buffer {
  return createHmac('sha256', key).update(`${visitorId}\n${expiry}`).digest().subarray(0, 16);
}

/** The URL of a signature made by thumbSignature. */
export function signedThumbPath(keyId: string, visitorId: string, expiry: number, signature: Buffer): string {
  return `/v1/photo/thumb/${visitorId}?k=${keyId}&e=${expiry}&s=${signature.toString('base64url')}`;
}

/** The signed parts of a thumbnail request's query, when all three are there once each. */
export interface ThumbUrlParts {
  keyId: string;
  expiry: number;
  signature: string;
}

export function thumbUrlParts(query: unknown): ThumbUrlParts | undefined {
  const { k, e, s } = (query ?? {}) as Record<string, unknown>;
  if (typeof k !== 'string' || typeof e !== 'string' || typeof s !== 'string') return undefined;
  // Exactly as signedThumbPath writes them: one spelling per URL, so one cache entry.
  if (!/^[\w-]{16}$/.test(k) || !/^[1-9]\d{0,11}$/.test(e) || !/^[\w-]{22}$/.test(s)) return undefined;
  return { keyId: k, expiry: Number(e), signature: s };
}

/** Whether a query names a signature at all (then it must be a valid one). */
export function hasThumbUrlParts(query: unknown): boolean {
  const record = (query ?? {}) as Record<string, unknown>;
  return record.k !== undefined || record.e !== undefined || record.s !== undefined;
}
