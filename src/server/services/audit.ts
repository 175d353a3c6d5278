import { logger } from '../log';

/** The actions shared/API.md Part 2 (Privacy) lists; each is recorded through `record`. */
export type AuditAction =
  | 'photo.view'
  | 'badge.print'
  | 'log.export'
  | 'visitor.erase'
  | 'evacuation.start'
  | 'evacuation.close'
  | 'user.create'
  | 'user.update'
  | 'settings.update'
  | 'signin'
  | 'signin.failed';

export interface AuditEvent {
  action: AuditAction;
  /** The staff account that acted; null for the desk itself (a scheduled purge). */
  userId: number | null;
  /** A visitor by ID only: the trail never holds a visitor's personal data. */
  visitorId?: string;
  /** A short description: counts, a setting's name, never a name or a mobile. */
  detail?: string;
}

const log = logger('audit');

/**
 * The one door every audited action goes through. Today it writes each event to the
 * server's log; the append-only, hash-chained trail (issue "Privacy") replaces the body of
 * `record` and nothing else, so no caller has to change when it lands.
 */
export function auditTrail(deps: { now: () => number }) {
  return {
    record(event: AuditEvent): void {
      log.info({ audit: { ...event, time: deps.now() } }, event.action);
    },
  };
}

export type AuditTrail = ReturnType<typeof auditTrail>;
