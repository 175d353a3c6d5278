import type { Db } from '../connection';

export interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  role: 'admin' | 'reception';
  /** 0 for a deactivated account, which cannot sign in. */
  active: 0 | 1;
}

export function usersRepository(db: Db) {
  const byName = db.prepare<[string], UserRow>(
    'SELECT id, username, password_hash, role, active FROM users WHERE username = ?',
  );
  const insert = db.prepare<[string, string, number]>(
    'INSERT INTO users (username, password_hash, created_at) VALUES (?, ?, ?)',
  );
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users');
  const insertFirst = db.transaction((username: string, passwordHash: string, now: number): number | null => {
    if (count.get()!.n > 0) return null;
    return Number(insert.run(username, passwordHash, now).lastInsertRowid);
  });

  return {
    findByUsername: (username: string): UserRow | undefined => byName.get(username),
    count: (): number => count.get()!.n,
    insert: (username: string, passwordHash: string, now: number): number =>
      Number(insert.run(username, passwordHash, now).lastInsertRowid),
    /** Creates the account only while there is none: the first-run set-up cannot be replayed. */
    insertFirst: (username: string, passwordHash: string, now: number): number | null =>
      insertFirst(username, passwordHash, now),
  };
}

export type UsersRepository = ReturnType<typeof usersRepository>;
