import { TOKEN_HASH_BYTES } from '../../security/tokens';
import type { Db } from '../connection';

export interface TokenRow {
  token_hash: Buffer;
  user_id: number;
  expires_at: number;
  revoked_at: number | null;
  /** Whether the account is active (1): a deactivated account's tokens are refused whatever else. */
  active: 0 | 1;
}

export function tokensRepository(db: Db) {
  // The account is checked again in the same statement: a sign-in whose password check
  // overlapped a deactivation or a password change gets no token.
  const insert = db.prepare<[Buffer, number, string, number, number, number, string]>(
    `INSERT INTO tokens (token_hash, user_id, device_info, created_at, expires_at)
     SELECT ?, ?, ?, ?, ?
      WHERE EXISTS (SELECT 1 FROM users WHERE id = ? AND active = 1 AND password_hash = ?)`,
  );
  const byHash = db.prepare<[Buffer], TokenRow>(
    `SELECT t.token_hash, t.user_id, t.expires_at, t.revoked_at, u.active
       FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`,
  );
  // The stored hashes that start with the given bytes (a signed thumbnail URL's key ID):
  // a range of the primary key, as both engines compare bytes in order.
  const byHashStart = db.prepare<[Buffer, Buffer], { token_hash: Buffer }>(
    'SELECT token_hash FROM tokens WHERE token_hash >= ? AND token_hash <= ? LIMIT 2',
  );
  const revoke = db.prepare<[number, Buffer]>(
    'UPDATE tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL',
  );
  // Expired tokens are useless; keep the table from growing for ever on a busy kiosk.
  const purge = db.prepare<[number]>('DELETE FROM tokens WHERE expires_at < ?');

  return {
    /**
     * Issues a token for an account that is still active and still has the password hash
     * that was just verified; returns false (no token) when either changed meanwhile.
     */
    insert: (
      hash: Buffer,
      user: { id: number; passwordHash: string },
      deviceInfo: string,
      now: number,
      expiresAt: number,
    ): boolean => insert.run(hash, user.id, deviceInfo, now, expiresAt, user.id, user.passwordHash).changes === 1,
    findByHash: (hash: Buffer): TokenRow | undefined => byHash.get(hash),
    /** The one stored hash that starts with `start`, if exactly one does. */
    hashStartingWith: (start: Buffer): Buffer | undefined => {
      const found = byHashStart.all(start, Buffer.concat([start, Buffer.alloc(TOKEN_HASH_BYTES - start.length, 0xff)]));
      return found.length === 1 ? found[0]!.token_hash : undefined;
    },
    revoke: (hash: Buffer, now: number): void => {
      revoke.run(now, hash);
    },
    purgeExpiredBefore: (cutoff: number): number => purge.run(cutoff).changes,
  };
}

export type TokensRepository = ReturnType<typeof tokensRepository>;
