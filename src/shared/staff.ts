import { z } from 'zod';
import { requiredTextError } from './visitor-fields';
import { BADGE_SIZES } from './settings';
import { PASSWORD_MIN, PASSWORD_RULE_TEXT, USERNAME_RULE, USERNAME_RULE_TEXT } from './credentials';

export const ROLES = ['admin', 'reception'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = { admin: 'Administrator', reception: 'Reception' };

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator — everything, including staff, hosts and settings',
  reception: 'Reception — check-ins, exits, expected visitors, evacuations, badges',
};

const roleSchema = z.enum(ROLES, { error: 'role must be "admin" or "reception".' });

/** Long enough for any passphrase, short enough that hashing it costs nothing extra. */
export const PASSWORD_MAX = 1024;

const passwordSchema = z
  .string({ error: requiredTextError('password') })
  .min(PASSWORD_MIN, PASSWORD_RULE_TEXT)
  .max(PASSWORD_MAX, `Password must be at most ${PASSWORD_MAX} characters.`);

export const staffSchema = z
  .object({
    user_id: z.number().int(),
    username: z.string(),
    role: roleSchema,
    active: z.boolean().describe('An inactive account cannot sign in; its past work keeps its name.'),
    created_time: z.string().describe('Local wall-clock time, YYYY-MM-DD HH:MM:SS.'),
  })
  .meta({ id: 'StaffAccount' });
export type StaffAccount = z.infer<typeof staffSchema>;

export const newStaffSchema = z.object({
  username: z.string({ error: requiredTextError('username') }).regex(USERNAME_RULE, USERNAME_RULE_TEXT),
  password: passwordSchema,
  role: roleSchema.default('reception'),
  site_id: z
    .string()
    .optional()
    .describe(
      'Company server only: the site the account is for; it travels with the site and signs in at its desks. ' +
        'Without it, a company-wide account.',
    ),
});
export type NewStaff = z.input<typeof newStaffSchema>;

export const staffPatchSchema = z.object({
  role: roleSchema.optional(),
  active: z.boolean({ error: 'active must be true or false.' }).optional(),
  password: passwordSchema.optional(),
});
export type StaffPatch = z.infer<typeof staffPatchSchema>;

export const meResponseSchema = z.object({
  success: z.literal(true),
  data: z.object({
    username: z.string(),
    role: roleSchema,
    badge_size: z
      .enum(BADGE_SIZES)
      .describe('The label this desk lays badges out for (a site setting every role needs).'),
    data_dir: z.string().describe('Where this server keeps its database and photos, on the computer it runs on.'),
    retention_choice_pending: z
      .boolean()
      .describe(
        'For an admin: this site was upgraded from a release without photo retention and keeps every photo ' +
          'until an admin chooses photo_retention_days (Settings). Always false for reception.',
      ),
  }),
});
export type MeResponse = z.infer<typeof meResponseSchema>;

export const staffResponseSchema = z.object({ success: z.literal(true), data: staffSchema });
export const staffListResponseSchema = z.object({ success: z.literal(true), data: z.array(staffSchema) });
export type StaffListResponse = z.infer<typeof staffListResponseSchema>;
export type StaffResponse = z.infer<typeof staffResponseSchema>;
