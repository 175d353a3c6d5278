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
    /** Every stored value; one that is not JSON (edited by hand) reads as undefined, i.e. its default. */
    read: (): Record<string, unknown> => Object.fromEntries(all.all().map((row) => [row.key, parseJson(row.value)])),
    /** Every value in one transaction: a change is whole or absent. */
    write: (values: Record<string, unknown>): void => writeAll(values),
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
