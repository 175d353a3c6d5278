import { sign, verify } from 'node:crypto';
import type { AuditCheckpoint, AuditLogRepository, AuditRow } from '../db/repositories/audit-log';
import type { DeskRow } from '../db/repositories/site';
import { chainHash, GENESIS } from '../services/audit';
import type { DeskCredentials } from './desk-certificate';
import type { AuditEntryState, AuditHead } from './protocol';

/** How many audit entries one answer carries, about: each desk's part ends at a head it signed. */
export const AUDIT_BATCH = 500;
/** The least of each desk's trail an answer carries, however many desks there are. */
const CHAIN_SHARE_MIN = 50;

/** What a desk signs of its chain: the desk, the entry and the hash there. */
function headMessage(deskId: string, auditId: number, hash: Buffer): Buffer {
  return Buffer.from(`frontdesk audit head\n${deskId}\n${auditId}\n${hash.toString('hex')}`);
}

/** Whether a head was signed by the desk whose certificate is given. */
export function isSignedBy(certificate: string, head: AuditCheckpoint): boolean {
  try {
    return verify('sha256', headMessage(head.desk_id, head.audit_id, head.hash), certificate, head.signature);
  } catch {
    return false;
  }
}

/**
 * Every desk's audit trail, copied to every desk of the site (API contract Part 3). A trail
 * is append-only and chained, so it travels as it is: entries in order per desk after the
 * newest the asking desk holds, passed on by any desk that holds them. What makes them that
 * desk's is its signature over the hash at a head: a desk serving its own trail signs the
 * head its answer ends at, and a desk passing on another's ends it at a head that desk
 * signed (kept as a checkpoint). An entry is taken only as the next of its chain, on the way
 * to a signed head whose hash it reaches: an entry changed, dropped or made up on the way,
 * by any desk, is refused with the rest of that desk's part, and nothing of it is kept.
 */
export function trailExchange(deps: {
  log: AuditLogRepository;
  deskId: string;
  desk: (deskId: string) => DeskRow | undefined;
  credentials: () => DeskCredentials | undefined;
}) {
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
  const toHead = (checkpoint: AuditCheckpoint): AuditHead => ({
    desk_id: checkpoint.desk_id,
    audit_id: checkpoint.audit_id,
    hash: checkpoint.hash.toString('hex'),
    signature: checkpoint.signature.toString('hex'),
  });

  /** The newest entry this desk holds of every trail, its own included. */
  function held(): Record<string, number> {
    return log.held(deskId);
  }

  /** This desk's own entries after `after`, and its signature at the last. */
  function ownPart(after: number, share: number): { entries: AuditEntryState[]; head?: AuditHead } {
    const credentials = deps.credentials();
    const rows = credentials ? log.after(after, share) : [];
    const last = rows.at(-1);
    if (!credentials || !last) return { entries: [] };
    const signature = sign('sha256', headMessage(deskId, last.audit_id, last.hash), credentials.key);
    return {
      entries: rows.map((row) => toEntry(deskId, row)),
      head: toHead({ desk_id: deskId, audit_id: last.audit_id, hash: last.hash, signature }),
    };
  }

  /** Another desk's entries after `after`, up to a head it signed. */
  function copiedPart(desk: string, after: number, share: number): { entries: AuditEntryState[]; head?: AuditHead } {
    const checkpoint = log.checkpointFrom(desk, after, after + share);
    if (!checkpoint) return { entries: [] };
    const rows = log.copiesAfter(desk, after, checkpoint.audit_id - after);
    if (rows.at(-1)?.audit_id !== checkpoint.audit_id) return { entries: [] };
    return { entries: rows.map((row) => toEntry(desk, row)), head: toHead(checkpoint) };
  }

  /**
   * Entries after what the asking desk holds, of this desk's own trail and its copies of the
   * others' (never the asking desk's own), each desk its share, so that one long trail does
   * not crowd out the rest.
   */
  function entriesAfter(
    have: Record<string, number>,
    asker?: string,
  ): { audit: AuditEntryState[]; heads: AuditHead[] } {
    const mine = held();
    const behind = Object.keys(mine).filter((desk) => desk !== asker && mine[desk]! > (have[desk] ?? 0));
    const share = Math.max(CHAIN_SHARE_MIN, Math.floor(AUDIT_BATCH / Math.max(1, behind.length)));
    const audit: AuditEntryState[] = [];
    const heads: AuditHead[] = [];
    for (const desk of behind) {
      if (audit.length >= AUDIT_BATCH) break;
      const after = have[desk] ?? 0;
      const part = desk === deskId ? ownPart(after, share) : copiedPart(desk, after, share);
      if (!part.head) continue;
      audit.push(...part.entries);
      heads.push(part.head);
    }
    return { audit, heads };
  }

  /** Why one desk's part of an answer is refused, or undefined when it is taken whole. */
  function problemWith(desk: string, entries: AuditEntryState[], head: AuditHead | undefined): string | undefined {
    if (desk === deskId) return 'entries of this desk’s own trail (its data was restored from an older copy?)';
    const known = deps.desk(desk);
    if (!known || known.revoked_at !== null) return `entries of ${desk}, which is not a desk of the site`;
    if (!head) return `entries of ${known.name}'s trail without a head it signed`;
    const checkpoint = { ...toBytes(head), desk_id: desk };
    if (!isSignedBy(known.certificate, checkpoint)) return `a head of ${known.name}'s trail it did not sign`;
    const last = log.lastCopy(desk);
    let previous = last?.hash ?? GENESIS;
    let expected = (last?.audit_id ?? 0) + 1;
    for (const entry of entries) {
      const row = { ...entry, hash: Buffer.from(entry.hash, 'hex') };
      if (entry.audit_id !== expected)
        return `entry ${entry.audit_id} of ${known.name}'s trail where ${expected} was due`;
      if (!chainHash(previous, row).equals(row.hash)) {
        return `entry ${entry.audit_id} of ${known.name}'s trail does not chain from the one before`;
      }
      previous = row.hash;
      expected++;
    }
    if (expected - 1 !== head.audit_id || !previous.equals(checkpoint.hash)) {
      return `${known.name}'s trail does not reach the head it signed`;
    }
    return undefined;
  }

  const toBytes = (head: AuditHead) => ({
    audit_id: head.audit_id,
    hash: Buffer.from(head.hash, 'hex'),
    signature: Buffer.from(head.signature, 'hex'),
  });

  /**
   * Takes each desk's part of an answer whole or not at all, inside the unit that applies
   * a batch. Returns how many entries it took, and what it refused, for the log.
   */
  function take(audit: AuditEntryState[], heads: AuditHead[]): { taken: number; problems: string[] } {
    const byDesk = new Map<string, AuditEntryState[]>();
    for (const entry of audit) {
      const entries = byDesk.get(entry.desk_id) ?? [];
      entries.push(entry);
      byDesk.set(entry.desk_id, entries);
    }
    const problems: string[] = [];
    let taken = 0;
    for (const [desk, entries] of byDesk) {
      const head = heads.find((candidate) => candidate.desk_id === desk);
      const problem = problemWith(desk, entries, head);
      if (problem) {
        problems.push(problem);
        continue;
      }
      for (const entry of entries) log.insertCopy({ ...entry, hash: Buffer.from(entry.hash, 'hex') });
      log.addCheckpoint({ ...toBytes(head!), desk_id: desk });
      taken += entries.length;
    }
    return { taken, problems };
  }

  return { held, entriesAfter, take };
}

export type TrailExchange = ReturnType<typeof trailExchange>;
