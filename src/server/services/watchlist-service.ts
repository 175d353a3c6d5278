import type { WatchEntry, WatchEntryFields, WatchEntryPatch } from '../../shared/watchlist';
import { ApiError } from '../api-error';
import type { WatchlistRepository, WatchRow } from '../db/repositories/watchlist';
import { formatLocalTime } from '../time-format';
import type { UnitOfWork, Writes } from './unit-of-work';

const toEntry = (row: WatchRow): WatchEntry => ({
  entry_id: row.entry_id,
  name: row.name,
  mobile: row.mobile,
  email: row.email,
  reason: row.reason,
  time: formatLocalTime(row.created_at),
});

/**
 * The watchlist (API contract Part 5). Admins keep it; a check-in is compared with it before
 * anything of the visitor is stored. The trail names the entry, never the name typed.
 */
export function watchlistService(deps: {
  watchlist: WatchlistRepository;
  writes: Writes;
  now: () => number;
  /** After a removal: the WAL emptied of the entry's old pages (services/erasure.ts). */
  scrubWal: () => void;
}) {
  const { watchlist, writes, now } = deps;

  function entry(entryId: number): WatchRow {
    const row = watchlist.byId(entryId);
    if (!row || row.removed_at !== null) throw new ApiError('3404', `There is no watchlist entry ${entryId}.`);
    return row;
  }

  function create(fields: WatchEntryFields, userId: number): WatchEntry {
    const entryId = writes.run((unit) => {
      const id = watchlist.insert({ ...fields, created_at: now() });
      unit.audit({ action: 'watchlist.update', userId, detail: `Added entry ${id}` });
      return id;
    });
    return toEntry(entry(entryId));
  }

  function change(entryId: number, patch: WatchEntryPatch, userId: number): WatchEntry {
    writes.run((unit) => {
      const current = entry(entryId);
      const sent = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      watchlist.write({ ...current, ...sent });
      unit.audit({
        action: 'watchlist.update',
        userId,
        detail: `Changed entry ${entryId}: ${Object.keys(sent).join(', ')}`,
      });
    });
    return toEntry(entry(entryId));
  }

  function remove(entryId: number, userId: number): void {
    writes.run((unit) => {
      watchlist.write({ ...entry(entryId), removed_at: now() });
      unit.audit({ action: 'watchlist.update', userId, detail: `Removed entry ${entryId}` });
      unit.afterCommit(deps.scrubWal);
    });
  }

  /**
   * A check-in's look at the list, before anything of the person is stored and again in the
   * unit that stores them (an entry made meanwhile stops them too). A match is audited in a
   * unit of its own (the check-in it stops stores nothing) and refused with 2451 and the
   * entry's reason, unless an admin lets the person in with a note: then the match and the
   * override are recorded in the check-in's own unit, so a check-in that fails later leaves
   * no override behind.
   */
  function screen(
    person: { name: string; mobile: string },
    userId: number,
    override: { note: string } | undefined,
    checkIn?: { unit: UnitOfWork; visitorId: string },
  ): void {
    const match = watchlist.match(person.name, person.mobile);
    if (!match) return;
    if (!override) throw new WatchlistStop(match.entry_id, match.reason);
    if (!checkIn) return;
    const { unit, visitorId } = checkIn;
    unit.audit({ action: 'watchlist.match', userId, visitorId, detail: `Entry ${match.entry_id}` });
    unit.audit({
      action: 'watchlist.override',
      userId,
      visitorId,
      detail: `Entry ${match.entry_id}: ${override.note}`,
    });
  }

  /** A stop, once whatever the check-in had begun is undone: audited, and answered with the reason. */
  function stopped(stop: WatchlistStop, userId: number): ApiError {
    writes.run((unit) =>
      unit.audit({ action: 'watchlist.match', userId, detail: `Entry ${stop.entryId}: check-in stopped` }),
    );
    return new ApiError('2451', `On the watchlist: ${stop.reason}`, { field: 'name' });
  }

  return {
    all: (): WatchEntry[] => watchlist.all().map(toEntry),
    get: (entryId: number): WatchEntry => toEntry(entry(entryId)),
    create,
    change,
    remove,
    screen,
    stopped,
  };
}

export type WatchlistService = ReturnType<typeof watchlistService>;

/** A check-in the watchlist stops, thrown where it is found and answered once what was begun is undone. */
export class WatchlistStop extends Error {
  constructor(
    readonly entryId: number,
    readonly reason: string,
  ) {
    super(`watchlist entry ${entryId}`);
  }
}
