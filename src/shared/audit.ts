import { z } from 'zod';

/** The audited actions (shared/API.md Part 2, Privacy), and the desk's own purges. */
export const AUDIT_ACTIONS = [
  'photo.view',
  'badge.print',
  'log.export',
  'visitor.erase',
  'evacuation.start',
  'evacuation.close',
  'user.create',
  'user.update',
  'settings.update',
  'signin',
  'signin.failed',
  'photos.purge',
  'visits.purge',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  'photo.view': 'Viewed a full photo',
  'badge.print': 'Printed a badge',
  'log.export': 'Exported the log',
  'visitor.erase': 'Erased a visitor',
  'evacuation.start': 'Started an evacuation',
  'evacuation.close': 'Closed an evacuation',
  'user.create': 'Added a staff account',
  'user.update': 'Changed a staff account',
  'settings.update': 'Changed settings',
  signin: 'Signed in',
  'signin.failed': 'Failed sign-in',
  'photos.purge': 'Deleted old photos',
  'visits.purge': 'Erased old visits',
};

export const auditEntrySchema = z
  .object({
    audit_id: z.number().int(),
    time: z.string().describe('Local wall-clock time, YYYY-MM-DD HH:MM:SS.'),
    username: z.string().describe('The staff account, or "desk" for the desk’s own chores.'),
    action: z.enum(AUDIT_ACTIONS),
    visitor_id: z.string().nullable(),
    detail: z.string(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditPageResponseSchema = z.object({
  success: z.literal(true),
  data: z.array(auditEntrySchema),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next, older page; null on the last page.'),
});
export type AuditPageResponse = z.infer<typeof auditPageResponseSchema>;

export const ERASE_REASON_MAX = 200;

export const eraseRequestSchema = z.object({
  reason: z
    .string({ error: (issue) => (issue.input === undefined ? 'reason is required.' : 'reason must be text.') })
    .trim()
    .min(1, 'reason must not be empty.')
    .max(ERASE_REASON_MAX, `reason must be at most ${ERASE_REASON_MAX} characters.`),
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
