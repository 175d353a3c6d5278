import type { Migration } from '../migration';

/**
 * Staff roles (API contract Part 2): `admin` or `reception`, and accounts that can be
 * deactivated rather than deleted, so past check-ins keep who made them. The oldest
 * account of an existing desk is the one that set it up: it becomes the admin.
 */
export const roles: Migration = {
  version: 2,
  name: 'roles',
  up(db) {
    db.exec(`
      ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'reception' CHECK (role IN ('admin', 'reception'));
      ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
    `);
    const first = db.prepare<[], { id: number }>('SELECT id FROM users ORDER BY created_at, id LIMIT 1').get();
    if (first) db.prepare("UPDATE users SET role = 'admin' WHERE id = ?").run(first.id);
  },
};
