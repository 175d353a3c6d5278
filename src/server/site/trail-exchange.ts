import type { AuditLogRepository, AuditRow } from '../db/repositories/audit-log';
import { chainHash, GENESIS } from '../services/audit';
import type { AuditEntryState } from './protocol';

/** How many audit entries one answer carries at most. */
export const AUDIT_BATCH = 500;

/**
 * Every desk's audit trail, copied to every desk of the site (shared/API.md Part 3). A trail
 * is append-only and chained, so it travels as it is: entries in order per desk after the
 * newest the asking desk holds, passed on by any desk that holds them. An entry is taken
 * only as the next of its chain with the hash that follows from the one before: an entry
 * changed, dropped or made up on the way is refused, and the chain is taken no further.
 */
export function trailExchange(deps: { log: AuditLogRepository; deskId: string }) {
  const { log, deskId } = deps;

  const toEntry = (desk: string, row: AuditRow): AuditEntryState => ({
    desk_id: desk,
    audit_id: row.audit_id,
    time: row.time,
    user_id: row.user_id,
    username: row.username,
    action: row.action,
    visitor_id: row.visitor_id,
    detail: row.detail,
    hash: row.hash.toString('hex'),
  });

  /** The newest entry this desk holds of every trail, its own included. */
  function held(): Record<string, number> {
    return { ...log.copied(), [deskId]: log.last()?.audit_id ?? 0 };
  }

  /** Entries after what the asking desk holds, of this desk's own trail and of its copies, up to `limit`. */
  function entriesAfter(have: Record<string, number>, limit: number): AuditEntryState[] {
    const found: AuditEntryState[] = [];
    for (const desk of Object.keys(held())) {
      if (found.length >= limit) break;
      const after = have[desk] ?? 0;
      const room = limit - found.length;
      const rows = desk === deskId ? log.after(after, room) : log.copiesAfter(desk, after, room);
      found.push(...rows.map((row) => toEntry(desk, row)));
    }
    return found;
  }

  /**
   * Takes entries into the copies of other desks' trails, inside the unit that applies a
   * batch. Returns what was refused, if anything, for the log.
   */
  function take(entries: AuditEntryState[]): string | undefined {
    const refused = new Set<string>();
    let problem: string | undefined;
    for (const entry of entries) {
      if (entry.desk_id === deskId || refused.has(entry.desk_id)) continue;
      const last = log.lastCopy(entry.desk_id);
      // Already here (asked of two desks at once): taken once.
      if (entry.audit_id <= (last?.audit_id ?? 0)) continue;
      const row = { ...entry, hash: Buffer.from(entry.hash, 'hex') };
      if (entry.audit_id !== (last?.audit_id ?? 0) + 1) {
        problem = `entry ${entry.audit_id} of ${entry.desk_id}'s trail does not follow entry ${last?.audit_id ?? 0}`;
      } else if (!chainHash(last?.hash ?? GENESIS, row).equals(row.hash)) {
        problem = `entry ${entry.audit_id} of ${entry.desk_id}'s trail does not chain from the one before`;
      } else {
        log.insertCopy(row);
        continue;
      }
      refused.add(entry.desk_id);
    }
    return problem;
  }

  return { held, entriesAfter, take };
}

export type TrailExchange = ReturnType<typeof trailExchange>;
