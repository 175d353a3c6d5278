import { z } from 'zod';
import { emailSchema, PRINTABLE } from './visitor-fields';

/** Hosts a webhook may use plain http on: the desk itself, for a test receiver. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The password a read shows in place of the real one; sent back unchanged, it keeps it. */
export const MASKED_PASSWORD = '***';

function parsedUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** Why `text` is not an SMTP URL the desk can send through, or undefined when it is one. */
export function smtpUrlProblem(text: string): string | undefined {
  const url = parsedUrl(text);
  if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')) {
    return 'smtp_url must look like smtp://user:password@mail.example.org:587 or smtps://…:465.';
  }
  if (url.hostname === '') return 'smtp_url must name the mail server.';
  if (url.password !== '' && url.username === '') return 'smtp_url has a password but no user name.';
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    return 'smtp_url must be the server and its port only: no path, query or fragment.';
  }
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    return 'smtp_url’s user name and password must be URL-encoded (write % as %25).';
  }
  return undefined;
}

/** Why `text` is not a webhook the desk may post to, or undefined when it is one. */
export function webhookUrlProblem(text: string): string | undefined {
  const url = parsedUrl(text);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return 'webhook_url must be an https:// URL.';
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    return 'webhook_url must be https:// (plain http only to this computer, for a test).';
  }
  if (url.username !== '' || url.password !== '') return 'webhook_url must not carry a user name or password.';
  return undefined;
}

const urlSetting = (field: string, problem: (text: string) => string | undefined) =>
  z
    .string({ error: `${field} must be a URL or null.` })
    .trim()
    .max(2000, `${field} must be at most 2000 characters.`)
    .regex(PRINTABLE, `${field} must not contain control characters.`)
    .superRefine((text, check) => {
      const found = problem(text);
      if (found) check.addIssue({ code: 'custom', message: found });
    })
    .nullable();

/** Where this desk sends its notices (API contract Part 4): its own, not the site's. */
export const channelSettingsSchema = z.object({
  smtp_url: urlSetting('smtp_url', smtpUrlProblem).describe(
    `smtp://[user:pass@]host:port or smtps://…; null turns e-mail off. Read back with the password as "${MASKED_PASSWORD}".`,
  ),
  smtp_from: z
    .string({ error: 'smtp_from must be text or null.' })
    .trim()
    .min(3, 'smtp_from must be a sender address, e.g. "Front desk <desk@example.org>".')
    .max(300, 'smtp_from must be at most 300 characters.')
    .regex(PRINTABLE, 'smtp_from must not contain control characters.')
    .regex(/@/, 'smtp_from must be a sender address, e.g. "Front desk <desk@example.org>".')
    .nullable()
    .describe('The sender address, e.g. "Front desk <desk@example.org>".'),
  webhook_url: urlSetting('webhook_url', webhookUrlProblem).describe(
    'An https:// URL that receives a JSON POST per notice (Slack and Teams read its `text`); null turns it off.',
  ),
  notify_thumbnail: z
    .boolean({ error: 'notify_thumbnail must be true or false.' })
    .describe('Attach the visitor’s thumbnail (never the full photo) to the host’s e-mail.'),
});
export type ChannelSettings = z.infer<typeof channelSettingsSchema>;

export const DEFAULT_CHANNEL_SETTINGS: ChannelSettings = {
  smtp_url: null,
  smtp_from: null,
  webhook_url: null,
  notify_thumbnail: false,
};

export const CHANNEL_LABELS: Record<keyof ChannelSettings, string> = {
  smtp_url: 'mail server',
  smtp_from: 'mail sender',
  webhook_url: 'webhook',
  notify_thumbnail: 'thumbnail in e-mail',
};

export const NOTICE_STATUSES = ['pending', 'sent', 'failed'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];
export const NOTICE_CHANNELS = ['email', 'webhook'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

/** A visitor's arrival notice as the visitor shows it: the e-mail when there are both. */
export const visitorNotificationSchema = z
  .object({
    status: z.enum(NOTICE_STATUSES),
    channel: z.enum(NOTICE_CHANNELS),
    time: z.string().describe('Sent or given up: then; pending: when it was written.'),
    error: z.string().nullable().describe('Why the last attempt failed, in words; null when none did.'),
  })
  .meta({ id: 'VisitorNotification' });
export type VisitorNotification = z.infer<typeof visitorNotificationSchema>;

/** The desk's words for a visitor's notice: "Host notified 09:02", "Notice pending: …". */
export function notificationInWords(notification: VisitorNotification): string {
  const at = notification.time.slice(11, 16);
  if (notification.status === 'sent') return `Host notified ${at}`;
  if (notification.status === 'failed') return `Notice failed: ${notification.error ?? 'refused'}`;
  return notification.error ? `Notice pending: ${notification.error}` : 'Notice pending';
}

export const noticeSchema = z
  .object({
    notice_id: z.number().int(),
    kind: z.enum(['arrival', 'invitation']),
    channel: z.enum(NOTICE_CHANNELS),
    status: z.enum(NOTICE_STATUSES),
    recipient: z.string().describe('The e-mail address, or the webhook’s host.'),
    subject: z.string().nullable().describe('What it says in one line; null once its visitor was erased.'),
    visitor_id: z.string().nullable(),
    expected_id: z.number().int().nullable(),
    attempts: z.number().int(),
    created_time: z.string(),
    next_time: z.string().nullable().describe('When it is tried next; null once sent or given up.'),
    done_time: z.string().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'Notice' });
export type Notice = z.infer<typeof noticeSchema>;

export const noticeListQuerySchema = z.object({
  status: z.enum(NOTICE_STATUSES, { error: `status must be one of ${NOTICE_STATUSES.join(', ')}.` }).optional(),
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, 'cursor must be a next_cursor this list gave.')
    .optional(),
});

export const noticeListResponseSchema = z.object({
  success: z.literal(true),
  data: z.array(noticeSchema),
  next_cursor: z.string().nullable(),
});
export type NoticeListResponse = z.infer<typeof noticeListResponseSchema>;

export const noticeResponseSchema = z.object({ success: z.literal(true), data: noticeSchema });

export const testMessageSchema = z.object({ to: emailSchema });
export const testMessageResponseSchema = z.object({
  success: z.literal(true),
  data: z.object({
    sent: z.boolean().describe('Whether the mail server took the message.'),
    answer: z.string().describe('What the mail server said, or why the desk could not reach it.'),
  }),
});
export type TestMessageResponse = z.infer<typeof testMessageResponseSchema>;
