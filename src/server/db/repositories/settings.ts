import type { Db } from '../connection';

/** Desk-wide settings as stored: one row per setting that differs from its default, the value as JSON. */
export function settingsRepository(db: Db) {
  const all = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings');
  const upsert = db.prepare<[string, string]>(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const writeAll = db.transaction((values: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(values)) upsert.run(key, JSON.stringify(value));
  });

  return {
    read: (): Record<string, unknown> =>
      Object.fromEntries(all.all().map((row) => [row.key, JSON.parse(row.value) as unknown])),
    /** Every value in one transaction: a change is whole or absent. */
    write: (values: Record<string, unknown>): void => writeAll(values),
  };
}

export type SettingsRepository = ReturnType<typeof settingsRepository>;
