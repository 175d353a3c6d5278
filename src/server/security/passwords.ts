import pLimit from 'p-limit';
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt in one of the forms OWASP lists for password storage: N=2^14, r=8, p=5. OWASP's
 * first choice, N=2^17, r=8, p=1, takes 128 MiB per hash and lifted the kiosk's memory by
 * that much at every sign-in; this form takes 16 MiB. It is not the same work per guess:
 * time grows with N·r·p, and 2^14·8·5 is 62.5% of 2^17·8·1, a price paid for memory that
 * a kiosk does not have. The parameters are stored with each hash, so hashes made with
 * other costs keep verifying and the cost can rise.
 */
export const SCRYPT_COST = { N: 2 ** 14, r: 8, p: 5 };
const KEY_LENGTH = 32;

/**
 * scrypt runs on libuv's thread pool, which photo reads and sharp's callbacks share: a
 * flood of sign-ins must not fill it. At most two hashes run at once; a bounded number
 * wait, and past that a sign-in is turned away to retry, so a flood from any number of
 * local addresses costs a fixed amount of memory and never more than two threads.
 */
const hashing = pLimit(2);
const HASHES_WAITING_MAX = 16;

export class PasswordQueueFullError extends Error {
  constructor() {
    super('Too many password checks are waiting.');
  }
}

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  if (hashing.pendingCount >= HASHES_WAITING_MAX) return Promise.reject(new PasswordQueueFullError());
  // maxmem must exceed 128 * N * r bytes; hashes stored at N=2^17 need more than Node's 32 MiB default.
  const maxmem = 256 * 1024 * 1024;
  return hashing(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...options, maxmem }, (error, key) =>
          error ? reject(error) : resolve(key),
        );
      }),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT_COST);
  return ['scrypt', SCRYPT_COST.N, SCRYPT_COST.r, SCRYPT_COST.p, salt.toString('base64'), key.toString('base64')].join(
    '$',
  );
}

/** How long recent checks took, queue included: what a sign-in for no account imitates. */
let typicalCheckMs = 80;

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const started = performance.now();
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: +n, r: +r, p: +p });
  typicalCheckMs = 0.8 * typicalCheckMs + 0.2 * (performance.now() - started);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A sign-in for a username that has no account takes as long as a real check, so
 * usernames cannot be told apart by the answer's time, but it only waits: it uses no
 * thread and no place in the queue, so a flood of made-up usernames cannot crowd out
 * the desk's own sign-ins.
 */
export function imitatePasswordCheck(): Promise<void> {
  const jitter = 0.9 + Math.random() * 0.2;
  return new Promise((resolve) => setTimeout(resolve, typicalCheckMs * jitter));
}
