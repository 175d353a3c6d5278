import type { Db } from '../connection';

/**
 * Settings as stored: one row per setting that differs from its default, the value as JSON.
 * `settings` holds the site's (they travel to the other desks); `notify_channels` this desk's
 * own notice channels (db/migrations/012-notifications.ts).
 */
export function settingsRepository(db: Db, table: 'settings' | 'notify_channels' = 'settings') {
  const all = db.prepare<[], { key: string; value: string }>(`SELECT key, value FROM ${table}`);
  const upsert = db.prepare<[string, string]>(
    `INSERT INTO ${table} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  );
  const remove = db.prepare<[string]>(`DELETE FROM ${table} WHERE key = ?`);

  return {
    /** Every stored value; one that is not JSON (edited by hand) reads as undefined, i.e. its default. */
    read: (): Record<string, unknown> => Object.fromEntries(all.all().map((row) => [row.key, parseJson(row.value)])),
    /** Writes each value; the caller's transaction makes a change whole or absent. */
    write: (values: Record<string, unknown>): void => {
      for (const [key, value] of Object.entries(values)) upsert.run(key, JSON.stringify(value));
    },
    remove: (key: string): void => {
      remove.run(key);
    },
  };
}

export type SettingsRepository = ReturnType<typeof settingsRepository>;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
