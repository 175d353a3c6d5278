import { createHmac, randomBytes } from 'node:crypto';

/**
 * Signed thumbnail URLs (API contract Part 1, thumbnails; issue #15): `<img src>` cannot
 * send the Authorization header, so a list answer gives each face a URL of its own,
 * `/v1/photo/thumb/<id>?k=…&e=…&s=…`. Never the token itself: `k` names the token by the
 * start of its stored hash, `e` is the expiry, and `s` an HMAC over the visitor ID and `e`
 * under a key derived from that hash and the server's secret. A URL is worth one visitor's
 * thumbnail, for at most two hours, and only while its token is valid: sign-out,
 * revocation or a deactivated account ends it with the token.
 */
export const THUMB_URL_WINDOW_MS = 60 * 60 * 1000;

export interface ThumbUrlKey {
  /** Names the key in the URL: the same for every URL of one token, and nothing more. */
  id: string;
  key: Buffer;
}

/** The bytes of a token's stored hash that name its URL key (thumbUrlKey). */
export const KEY_ID_BYTES = 12;

/**
 * Derived, never stored. The ID is the start of the token's stored hash, which tells
 * nothing of the token and lets any process that shares the secret find the token again
 * (several instances of a company server: API contract Part 6). The key needs the secret
 * too: with the stored hash alone (a copy of the database) no URL can be made.
 */
export function thumbUrlKey(secret: Buffer, tokenHash: Buffer): ThumbUrlKey {
  return {
    id: keyIdOf(tokenHash),
    key: createHmac('sha256', secret).update(tokenHash).update('frontdesk thumbnail URL key').digest(),
  };
}

export function keyIdOf(tokenHash: Buffer): string {
  return tokenHash.subarray(0, KEY_ID_BYTES).toString('base64url');
}

/**
 * A desk's secret is its process's own, never stored: URLs handed out before a restart are
 * refused, and the desk then asks with its token and is given new ones. A company server's
 * instances share one, derived from the secrets key in the folder they all reach.
 */
export const processThumbUrlSecret = (): Buffer => randomBytes(32);

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
