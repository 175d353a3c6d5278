import type { Role } from '../../../shared/staff';
import type { Db } from '../connection';
import { nextOwnNumber } from '../own-numbers';

export interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  /** 0 for a deactivated account, which cannot sign in. */
  active: 0 | 1;
  created_at: number;
}

const USER_COLUMNS = 'id, username, password_hash, role, active, created_at';

export function usersRepository(db: Db) {
  const byName = db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE username = ?`);
  const byId = db.prepare<[number], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`);
  const all = db.prepare<[], UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY username COLLATE NOCASE`);
  const insert = db
    .prepare<[string, string, Role, number], number>(
      `INSERT INTO users (id, username, password_hash, role, created_at)
       VALUES (${nextOwnNumber('users', 'id')}, ?, ?, ?, ?) RETURNING id`,
    )
    .pluck();
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users');
  const activeAdmins = db.prepare<[], { n: number }>(
    "SELECT count(*) AS n FROM users WHERE role = 'admin' AND active = 1",
  );
  const setRole = db.prepare<[Role, number]>('UPDATE users SET role = ? WHERE id = ?');
  const setActive = db.prepare<[0 | 1, number]>('UPDATE users SET active = ? WHERE id = ?');
  const setPassword = db.prepare<[string, number]>('UPDATE users SET password_hash = ? WHERE id = ?');
  const revokeTokens = db.prepare<[number, number]>(
    'UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL',
  );
  // The first account of a desk is its admin whatever was asked (API contract, Roles and
  // staff): a desk without an admin could never be administered.

  return {
    findByUsername: (username: string): UserRow | undefined => byName.get(username),
    byId: (id: number): UserRow | undefined => byId.get(id),
    all: (): UserRow[] => all.all(),
    count: (): number => count.get()!.n,
    /** The first account is the admin; later ones get the role given, reception by default. */
    insert: (username: string, passwordHash: string, now: number, role?: Role): number =>
      insert.get(username, passwordHash, count.get()!.n === 0 ? 'admin' : (role ?? 'reception'), now)!,
    /** Creates the account only while there is none: the first-run set-up cannot be replayed. */
    insertFirst: (username: string, passwordHash: string, now: number): number | null =>
      count.get()!.n > 0 ? null : insert.get(username, passwordHash, 'admin', now)!,
    /**
     * One account's change; the caller's unit of work makes it all or nothing. The last
     * active admin stays one (checked under the same write lock as the change, so two
     * admins demoting each other cannot both win): throws LastAdminError, which rolls the
     * unit back. An account deactivated or given a new password loses every token at once.
     */
    change: (id: number, patch: { role?: Role; active?: boolean; passwordHash?: string }, now: number): void => {
      if (patch.role !== undefined) setRole.run(patch.role, id);
      if (patch.active !== undefined) setActive.run(patch.active ? 1 : 0, id);
      if (patch.passwordHash !== undefined) setPassword.run(patch.passwordHash, id);
      if (activeAdmins.get()!.n === 0) throw new LastAdminError();
      if (patch.active === false || patch.passwordHash !== undefined) revokeTokens.run(now, id);
    },
  };
}

/** The change would leave the desk without an active admin; its unit of work rolls back. */
export class LastAdminError extends Error {}

export type UsersRepository = ReturnType<typeof usersRepository>;
