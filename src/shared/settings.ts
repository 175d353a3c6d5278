import { z } from 'zod';
import { TIME_OF_DAY } from './dates';
import { channelSettingsSchema, DEFAULT_CHANNEL_SETTINGS } from './notifications';

/** The label sizes a badge is laid out for (API contract, Settings). */
export const BADGE_SIZES = ['62x100', '54x101', 'a6'] as const;
export type BadgeSize = (typeof BADGE_SIZES)[number];

export const BADGE_SIZE_LABELS: Record<BadgeSize, string> = {
  '62x100': 'Brother QL, 62 × 100 mm die-cut label',
  '54x101': 'DYMO LabelWriter 99014, 54 × 101 mm',
  a6: 'A6 paper, 105 × 148 mm',
};

/** Each badge size as the page it prints on, in millimetres, portrait (width < height). */
export const BADGE_PAGES: Record<BadgeSize, { width: number; height: number }> = {
  '62x100': { width: 62, height: 100 },
  '54x101': { width: 54, height: 101 },
  a6: { width: 105, height: 148 },
};

export const RETENTION_DAYS_MAX = 3650;

function retentionDays(field: string) {
  return z
    .number({ error: `${field} must be a whole number of days from 1 to ${RETENTION_DAYS_MAX}, or null.` })
    .int(`${field} must be a whole number of days.`)
    .min(1, `${field} must be at least 1 day.`)
    .max(RETENTION_DAYS_MAX, `${field} must be at most ${RETENTION_DAYS_MAX} days.`)
    .nullable();
}

/** The settings every desk of a site shares (they travel with its changes, Part 3). */
export const siteSettingsSchema = z.object({
  auto_signout_time: z
    .string({ error: 'auto_signout_time must be a time "HH:MM" or null.' })
    .regex(TIME_OF_DAY, 'auto_signout_time must be a time from "00:00" to "23:59", written "HH:MM".')
    .nullable()
    .describe('Local time at which everyone still on the premises is signed out; null: never.'),
  photo_retention_days: retentionDays('photo_retention_days').describe(
    'Photos of visitors who left more than this many days ago are deleted; null keeps them.',
  ),
  visit_retention_days: retentionDays('visit_retention_days').describe(
    'Visits older than this many days are erased (card, host and times stay); null keeps them.',
  ),
  badge_size: z
    .enum(BADGE_SIZES, { error: `badge_size must be one of ${BADGE_SIZES.join(', ')}.` })
    .describe('The label a badge is laid out for.'),
});
export type SiteSettings = z.infer<typeof siteSettingsSchema>;

export const DEFAULT_SITE_SETTINGS: SiteSettings = {
  auto_signout_time: null,
  photo_retention_days: 30,
  visit_retention_days: null,
  badge_size: '62x100',
};

/** What GET /v1/admin/settings shows: the site's settings and this desk's notice channels. */
export const settingsSchema = siteSettingsSchema.extend(channelSettingsSchema.shape).meta({ id: 'Settings' });
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = { ...DEFAULT_SITE_SETTINGS, ...DEFAULT_CHANNEL_SETTINGS };

/** A change: any of the settings; fields it does not know are ignored. */
export const settingsPatchSchema = settingsSchema.partial().extend({
  rotate_webhook_secret: z
    .literal(true, { error: 'rotate_webhook_secret must be true or absent.' })
    .optional()
    .describe('Make a new webhook signing secret; the answer shows it, once.'),
});
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const settingsResponseSchema = z.object({
  success: z.literal(true),
  data: settingsSchema.extend({
    webhook_secret: z
      .string()
      .optional()
      .describe(
        'The webhook signing secret, in the answer that made it only (a first webhook_url, or rotate_webhook_secret).',
      ),
  }),
});
export type SettingsResponse = z.infer<typeof settingsResponseSchema>;

/** What each setting does to people's data, in the words the Settings screen shows. */
export function describeRetention(settings: Pick<Settings, 'photo_retention_days' | 'visit_retention_days'>): string[] {
  const days = (n: number): string => (n === 1 ? '1 day' : `${n} days`);
  return [
    settings.photo_retention_days === null
      ? 'Photos are kept until a visitor is erased.'
      : `Photos of visitors who left more than ${days(settings.photo_retention_days)} ago are deleted every night.`,
    settings.visit_retention_days === null
      ? 'Visits stay in the log until a visitor is erased.'
      : `Visits older than ${days(settings.visit_retention_days)} are erased every night: names, mobiles and purposes go; card, host and times stay for head counts.`,
  ];
}

/** Each setting as the audit trail names it to a person. */
export const SETTING_LABELS: Record<keyof SiteSettings, string> = {
  auto_signout_time: 'automatic sign-out',
  photo_retention_days: 'photo retention',
  visit_retention_days: 'visit retention',
  badge_size: 'badge size',
};

/** A setting's value in words: "never", "until erased", "30 days", "18:30", "62x100". */
export function settingInWords<K extends keyof SiteSettings>(key: K, value: SiteSettings[K]): string {
  if (key === 'auto_signout_time') return value === null ? 'never' : String(value);
  if (key === 'photo_retention_days' || key === 'visit_retention_days') {
    return value === null ? 'until erased' : value === 1 ? '1 day' : `${String(value)} days`;
  }
  return String(value);
}
