import type { Db } from '../connection';
import { nextOwnNumber } from '../own-numbers';
import { mobileKey, nameKey } from '../../services/person-keys';

export interface WatchRow {
  entry_id: number;
  name: string;
  mobile: string | null;
  email: string | null;
  reason: string;
  created_at: number;
  removed_at: number | null;
}

const COLUMNS = 'entry_id, name, mobile, email, reason, created_at, removed_at';

/** The watchlist (db/migrations/013-checkin-flows.ts): the match keys are written from the row, always. */
export function watchlistRepository(db: Db) {
  const all = db.prepare<[], WatchRow>(
    `SELECT ${COLUMNS} FROM watchlist WHERE removed_at IS NULL ORDER BY name COLLATE NOCASE, entry_id`,
  );
  const byId = db.prepare<[number], WatchRow>(`SELECT ${COLUMNS} FROM watchlist WHERE entry_id = ?`);
  const match = db.prepare<[string, string | null], WatchRow>(
    `SELECT ${COLUMNS} FROM watchlist WHERE removed_at IS NULL AND name_key = ?
     UNION
     SELECT ${COLUMNS} FROM watchlist WHERE removed_at IS NULL AND mobile_key = ?
     ORDER BY entry_id LIMIT 1`,
  );
  const insert = db
    .prepare<[Omit<WatchRow, 'entry_id' | 'removed_at'> & { name_key: string; mobile_key: string | null }], number>(
      `INSERT INTO watchlist (entry_id, name, name_key, mobile, mobile_key, email, reason, created_at)
       VALUES (${nextOwnNumber('watchlist', 'entry_id')}, @name, @name_key, @mobile, @mobile_key, @email, @reason,
               @created_at)
       RETURNING entry_id`,
    )
    .pluck();
  const upsert = db.prepare<[WatchRow & { name_key: string; mobile_key: string | null }]>(
    `INSERT INTO watchlist (entry_id, name, name_key, mobile, mobile_key, email, reason, created_at, removed_at)
     VALUES (@entry_id, @name, @name_key, @mobile, @mobile_key, @email, @reason, @created_at, @removed_at)
     ON CONFLICT (entry_id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key,
       mobile = excluded.mobile, mobile_key = excluded.mobile_key, email = excluded.email, reason = excluded.reason,
       created_at = excluded.created_at, removed_at = excluded.removed_at`,
  );
  const keys = (row: Pick<WatchRow, 'name' | 'mobile'>) => ({
    name_key: nameKey(row.name),
    mobile_key: mobileKey(row.mobile),
  });

  return {
    all: (): WatchRow[] => all.all(),
    /** An entry, removed ones too (what another desk is sent). */
    byId: (entryId: number): WatchRow | undefined => byId.get(entryId),
    /** The first entry a person matches, by name or by mobile; undefined when none does. */
    match: (name: string, mobile: string | null): WatchRow | undefined => match.get(nameKey(name), mobileKey(mobile)),
    insert: (entry: Omit<WatchRow, 'entry_id' | 'removed_at'>): number => insert.get({ ...entry, ...keys(entry) })!,
    /** Writes an entry whole; a removed one keeps nothing of the person (its number and when it went). */
    write: (entry: WatchRow): void => {
      const row = entry.removed_at === null ? entry : { ...entry, name: '', mobile: null, email: null, reason: '' };
      upsert.run({ ...row, ...keys(row) });
    },
  };
}

export type WatchlistRepository = ReturnType<typeof watchlistRepository>;
