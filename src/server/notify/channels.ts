import { randomBytes } from 'node:crypto';
import {
  CHANNEL_LABELS,
  channelSettingsSchema,
  DEFAULT_CHANNEL_SETTINGS,
  MASKED_PASSWORD,
  type ChannelSettings,
} from '../../shared/notifications';
import { ApiError } from '../api-error';
import type { SettingsRepository } from '../db/repositories/settings';
import type { SecretBox } from '../security/secret-box';

/** Where a notice goes, with its secrets opened: what the senders need. */
export interface Delivery {
  email: { url: string; from: string | null } | undefined;
  webhook: { url: string; secret: string } | undefined;
  thumbnail: boolean;
}

export type ChannelPatch = Partial<ChannelSettings> & { rotate_webhook_secret?: true | undefined };

const PASSWORD = 'smtp_password';
const SECRET = 'webhook_secret';
/** The webhook's whole URL, sealed: for Slack and Teams the path is itself the credential. */
const TARGET = 'webhook_target';

/** A webhook URL as reads show it: its origin, the rest masked. */
function maskWebhook(text: string): string {
  const url = new URL(text);
  return url.pathname === '/' && url.search === '' ? url.origin : `${url.origin}/${MASKED_PASSWORD}`;
}

/** The URL with its password taken out (kept apart, sealed), and the password. */
function splitPassword(text: string): { bare: string; password: string | undefined } {
  const url = new URL(text);
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  url.password = '';
  return { bare: url.toString().replace(/\/$/, ''), password };
}

function withPassword(bare: string, password: string): string {
  const url = new URL(bare);
  url.password = encodeURIComponent(password);
  return url.toString().replace(/\/$/, '');
}

/**
 * This desk's notice channels (API contract Part 4): kept in `notify_channels`, never sent to
 * the other desks, with the SMTP password, the webhook's URL and its signing secret sealed
 * (security/secret-box.ts). Reads never show the password or the webhook's path; the secret is
 * shown once, in the answer to the change that made it. A masked value sent back as it was
 * read keeps what is stored, and only for the same server: a password is never sent to a
 * server other than the one it was entered for.
 */
export function notifyChannels(deps: { stored: SettingsRepository; box: SecretBox }) {
  const { stored, box } = deps;

  function raw(): Record<string, unknown> {
    return stored.read();
  }

  function read(): ChannelSettings {
    const values = raw();
    const merged: Record<string, unknown> = { ...DEFAULT_CHANNEL_SETTINGS };
    for (const key of Object.keys(DEFAULT_CHANNEL_SETTINGS) as (keyof ChannelSettings)[]) {
      const checked = channelSettingsSchema.shape[key].safeParse(values[key]);
      if (values[key] !== undefined && checked.success) merged[key] = checked.data;
    }
    if (typeof merged.smtp_url === 'string' && typeof values[PASSWORD] === 'string') {
      merged.smtp_url = withPassword(merged.smtp_url, MASKED_PASSWORD);
    }
    return merged as ChannelSettings;
  }

  /** The channels with their secrets opened; a secret that cannot be opened here throws SecretUnavailableError. */
  function delivery(): Delivery {
    const values = raw();
    const settings = read();
    const bareSmtp = typeof values.smtp_url === 'string' ? values.smtp_url : undefined;
    const password = typeof values[PASSWORD] === 'string' ? box.open(values[PASSWORD]) : undefined;
    return {
      email: bareSmtp
        ? { url: password === undefined ? bareSmtp : withPassword(bareSmtp, password), from: settings.smtp_from }
        : undefined,
      webhook:
        settings.webhook_url && typeof values[SECRET] === 'string' && typeof values[TARGET] === 'string'
          ? { url: box.open(values[TARGET]), secret: box.open(values[SECRET]) }
          : undefined,
      thumbnail: settings.notify_thumbnail,
    };
  }

  /**
   * Applies a change inside the caller's unit; returns what changed in words (for the audit
   * trail: never a password or a secret) and the webhook secret when this change made one.
   */
  function update(patch: ChannelPatch): { changed: string[]; webhookSecret: string | undefined } {
    const before = read();
    const values = raw();
    const changed: string[] = [];
    const write: Record<string, unknown> = {};
    const remove: string[] = [];

    if (patch.smtp_url !== undefined) {
      if (patch.smtp_url === null) {
        if (values.smtp_url !== undefined) remove.push('smtp_url', PASSWORD);
      } else {
        const { bare, password } = splitPassword(patch.smtp_url);
        // "***" keeps the stored password for the server it was entered for, not another.
        const keep = password === MASKED_PASSWORD && bare === values.smtp_url;
        if (password === MASKED_PASSWORD && !keep) {
          throw new ApiError('2400', 'smtp_url names another server: enter its password, not "***".', {
            field: 'smtp_url',
          });
        }
        write.smtp_url = bare;
        if (password === undefined) remove.push(PASSWORD);
        else if (!keep) write[PASSWORD] = box.seal(password);
        const passwordChanged = !keep && (password !== undefined || values[PASSWORD] !== undefined);
        if (bare !== values.smtp_url || passwordChanged) {
          changed.push(
            `${CHANNEL_LABELS.smtp_url}: ${before.smtp_url ?? 'none'} → ${bare}` +
              (passwordChanged ? (password === undefined ? ' (no password)' : ' (new password)') : ''),
          );
        }
      }
      if (patch.smtp_url === null && before.smtp_url !== null) changed.push(`${CHANNEL_LABELS.smtp_url}: off`);
    }
    for (const key of ['smtp_from', 'notify_thumbnail'] as const) {
      const value = patch[key];
      if (value === undefined || value === before[key]) continue;
      if (value === null) remove.push(key);
      else write[key] = value;
      changed.push(`${CHANNEL_LABELS[key]}: ${String(before[key] ?? 'none')} → ${String(value ?? 'none')}`);
    }
    let webhookSecret: string | undefined;
    if (patch.webhook_url !== undefined && patch.webhook_url !== before.webhook_url) {
      if (patch.webhook_url === null) remove.push('webhook_url', TARGET, SECRET);
      else {
        write.webhook_url = maskWebhook(patch.webhook_url);
        write[TARGET] = box.seal(patch.webhook_url);
      }
      // The trail names the server, never the path (the credential), and is kept for good.
      const host = (text: string | null) => (text === null ? 'off' : new URL(text).host);
      changed.push(
        `${CHANNEL_LABELS.webhook_url}: ${before.webhook_url === null ? 'none' : host(before.webhook_url)} → ${host(patch.webhook_url)}`,
      );
    }
    const webhookOn = (patch.webhook_url === undefined ? before.webhook_url : patch.webhook_url) !== null;
    if (webhookOn && (patch.rotate_webhook_secret === true || values[SECRET] === undefined)) {
      webhookSecret = `whsec_${randomBytes(32).toString('hex')}`;
      write[SECRET] = box.seal(webhookSecret);
      changed.push('webhook signing secret: made new');
    }
    stored.write(write);
    for (const key of remove) if (!(key in write)) stored.remove(key);
    return { changed, webhookSecret };
  }

  return { read, delivery, update };
}

export type NotifyChannels = ReturnType<typeof notifyChannels>;
