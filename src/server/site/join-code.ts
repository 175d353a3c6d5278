import { createHash, randomBytes } from 'node:crypto';

/** Crockford's base32: no I, L, O or U, so a code read aloud or retyped is not misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const SECRET_BYTES = 10;
const FINGERPRINT_BYTES = 10;

/** How long a join code may be used (API contract Part 3, Pairing). */
export const JOIN_CODE_LIFETIME_MS = 15 * 60 * 1000;

export interface JoinCode {
  /** What the inviting desk checks: 80 random bits, kept there only as a hash. */
  secret: Buffer;
  /** The start of the inviting desk's certificate fingerprint (80 bits): the joining desk pins it. */
  fingerprintPrefix: string;
}

/**
 * A one-time join code: a secret and the start of the inviting desk's certificate
 * fingerprint, 32 characters in groups of four. A machine in the middle would have to
 * present a certificate whose fingerprint starts with those 80 bits.
 */
export function newJoinCode(fingerprint: string): { text: string; secretHash: Buffer } {
  const secret = randomBytes(SECRET_BYTES);
  const bytes = Buffer.concat([secret, Buffer.from(fingerprint.slice(0, FINGERPRINT_BYTES * 2), 'hex')]);
  const text = encode(bytes)
    .match(/.{1,4}/g)!
    .join('-');
  return { text, secretHash: hashSecret(secret) };
}

/** The code's parts, or undefined when it is not a code (any case, with or without dashes or spaces). */
export function parseJoinCode(text: string): JoinCode | undefined {
  const letters = text.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (letters.length !== 32 || [...letters].some((letter) => !ALPHABET.includes(letter))) return undefined;
  const bytes = decode(letters);
  return {
    secret: bytes.subarray(0, SECRET_BYTES),
    fingerprintPrefix: bytes.subarray(SECRET_BYTES).toString('hex'),
  };
}

export function hashSecret(secret: Buffer): Buffer {
  return createHash('sha256').update(secret).digest();
}

function encode(bytes: Buffer): string {
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  let text = '';
  for (let i = 0; i < bits.length; i += 5) text += ALPHABET[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return text;
}

function decode(text: string): Buffer {
  let bits = '';
  for (const letter of text) bits += ALPHABET.indexOf(letter).toString(2).padStart(5, '0');
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}
