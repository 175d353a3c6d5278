import type { Migration } from '../migration';

/** The settings row that says an upgraded site has not yet chosen how long photos are kept. */
export const RETENTION_UNCHOSEN_KEY = 'photo_retention_unchosen';

/**
 * Retention by default (photos deleted 30 days after the visitor left) came with schema
 * version 4. A data folder from before it never agreed to any deletion: it keeps every
 * photo (the setting is stored as null) until an administrator chooses, and the desk asks
 * every admin at sign-in until one does. A new data folder starts with the default.
 *
 * The trail's entries are also found by account ID now (an account's name can be taken by
 * another account after a rename; its ID cannot), and the system is told by having none.
 */
export const retentionChoice: Migration = {
  version: 6,
  name: 'retention-choice',
  up(db, upgradedFrom) {
    db.exec(`
      DROP INDEX audit_by_user;
      CREATE INDEX audit_by_account ON audit_log(user_id, audit_id);
    `);
    // Even a stored photo_retention_days proves no choice at schema 3: its Settings form sent
    // every setting with each save, and nothing but a command-line flag ever deleted by it.
    if (upgradedFrom >= 1 && upgradedFrom <= 3) {
      const write = db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      );
      write.run('photo_retention_days', 'null');
      write.run(RETENTION_UNCHOSEN_KEY, 'true');
    }
  },
};
