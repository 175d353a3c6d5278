import { hash, randomBytes } from 'node:crypto';

/** 256 bits from the CSPRNG, base64url: far above the contract's 160-bit floor. */
export function newAccessToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Tokens are looked up by their SHA-256: the database never holds a usable token, and
 * since the look-up key is a hash, timing reveals nothing about the token's bytes.
 */
export function hashToken(token: string): Buffer {
  // The one-shot hash: every request hashes its token, and a Hash object costs more than the hash.
  return hash('sha256', token, 'buffer');
}

/** The length of a stored token hash. */
export const TOKEN_HASH_BYTES = 32;

export const TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;
