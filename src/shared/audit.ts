import { z } from 'zod';
import { siteIdField } from './api-types';

/** The audited actions (API contract Part 2, Privacy), and the desk's own purges. */
export const AUDIT_ACTIONS = [
  'photo.view',
  'badge.print',
  'log.export',
  'visitor.erase',
  'visitor.update',
  'evacuation.start',
  'evacuation.close',
  'user.create',
  'user.update',
  'settings.update',
  'signin',
  'signin.failed',
  'photos.purge',
  'visits.purge',
  'notice.retry',
  'agreement.view',
  'agreement.update',
  'type.update',
  'watchlist.update',
  'watchlist.match',
  'watchlist.override',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  'photo.view': 'Viewed a full photo',
  'badge.print': 'Printed a badge',
  'log.export': 'Exported the log',
  'visitor.erase': 'Erased a visitor',
  'visitor.update': 'Corrected a visitor',
  'evacuation.start': 'Started an evacuation',
  'evacuation.close': 'Closed an evacuation',
  'user.create': 'Added a staff account',
  'user.update': 'Changed a staff account',
  'settings.update': 'Changed settings',
  signin: 'Signed in',
  'signin.failed': 'Failed sign-in',
  'photos.purge': 'Deleted old photos',
  'visits.purge': 'Erased old visits',
  'notice.retry': 'Sent a notice again',
  'agreement.view': 'Viewed a signed agreement',
  'agreement.update': 'Changed an agreement',
  'type.update': 'Changed a visitor type',
  'watchlist.update': 'Changed the watchlist',
  'watchlist.match': 'Check-in stopped by the watchlist',
  'watchlist.override': 'Let in past the watchlist',
};

/** Who an entry is by: a staff account, or the desk itself (purges, automatic sign-outs, counts). */
export const AUDIT_ACTORS = ['account', 'system'] as const;
export type AuditActor = (typeof AUDIT_ACTORS)[number];
/** How the trail names the system; set apart in type too, so it cannot be read as a username. */
export const SYSTEM_ACTOR_LABEL = 'Frontdesk (automatic)';

export const auditEntrySchema = z
  .object({
    audit_id: z.number().int(),
    time: z.string().describe('Local wall-clock time, YYYY-MM-DD HH:MM:SS.'),
    actor: z
      .enum(AUDIT_ACTORS)
      .describe('"account" for a staff account; "system" for the desk’s own work, which has no user_id or username.'),
    user_id: z.number().int().nullable().describe('The staff account; null for the system.'),
    username: z
      .string()
      .nullable()
      .describe('The account’s username; null for the system, so no account can pose as it.'),
    action: z
      .string()
      .describe(
        `One of ${AUDIT_ACTIONS.join(', ')}; an entry copied from a desk of the site running a later version may carry another.`,
      ),
    visitor_id: z.string().nullable(),
    detail: z.string(),
    desk_id: z
      .string()
      .describe('The desk whose trail the entry is on: every desk of a site holds a copy of every desk’s trail.'),
    site_id: siteIdField,
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditPageResponseSchema = z.object({
  success: z.literal(true),
  data: z.array(auditEntrySchema),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next, older page; null on the last page.'),
});
export type AuditPageResponse = z.infer<typeof auditPageResponseSchema>;

/**
 * Why a visitor was erased: a fixed list, never free text. The reason is kept on the
 * append-only trail for good, and a free text could carry the very name being erased.
 */
export const ERASE_REASONS = ['request', 'error', 'policy', 'other'] as const;
export type EraseReason = (typeof ERASE_REASONS)[number];

export const ERASE_REASON_LABELS: Record<EraseReason, string> = {
  request: 'The person asked to be forgotten',
  error: 'Entered in error',
  policy: 'A site rule',
  other: 'Another reason',
};

export const eraseRequestSchema = z.object({
  reason: z.enum(ERASE_REASONS, {
    error: (issue) =>
      issue.input === undefined
        ? 'reason is required.'
        : `reason must be one of ${ERASE_REASONS.join(', ')} (free text is not kept: it could name the person).`,
  }),
});

export const eraseResultSchema = z
  .object({
    erased_time: z.string(),
    files_removed: z.number().int(),
    fields_cleared: z.array(z.string()),
  })
  .meta({ id: 'ErasureResult' });
export type ErasureResult = z.infer<typeof eraseResultSchema>;
export const eraseResponseSchema = z.object({ success: z.literal(true), data: eraseResultSchema });
export type EraseResponse = z.infer<typeof eraseResponseSchema>;
