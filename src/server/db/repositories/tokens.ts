import type { Db } from '../connection';

export interface TokenRow {
  token_hash: Buffer;
  user_id: number;
  expires_at: number;
  revoked_at: number | null;
}

export function tokensRepository(db: Db) {
  const insert = db.prepare<[Buffer, number, string, number, number]>(
    'INSERT INTO tokens (token_hash, user_id, device_info, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
  );
  const byHash = db.prepare<[Buffer], TokenRow>(
    'SELECT token_hash, user_id, expires_at, revoked_at FROM tokens WHERE token_hash = ?',
  );
  const revoke = db.prepare<[number, Buffer]>(
    'UPDATE tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL',
  );
  // Expired tokens are useless; keep the table from growing for ever on a busy kiosk.
  const purge = db.prepare<[number]>('DELETE FROM tokens WHERE expires_at < ?');

  return {
    insert: (hash: Buffer, userId: number, deviceInfo: string, now: number, expiresAt: number): void => {
      insert.run(hash, userId, deviceInfo, now, expiresAt);
    },
    findByHash: (hash: Buffer): TokenRow | undefined => byHash.get(hash),
    revoke: (hash: Buffer, now: number): void => {
      revoke.run(now, hash);
    },
    purgeExpiredBefore: (cutoff: number): number => purge.run(cutoff).changes,
  };
}

export type TokensRepository = ReturnType<typeof tokensRepository>;
