import {
  DEFAULT_SITE_SETTINGS,
  SETTING_LABELS,
  settingInWords,
  siteSettingsSchema,
  type Settings,
  type SettingsPatch,
  type SiteSettings,
} from '../../shared/settings';
import type { NotifyChannels } from '../notify/channels';
import { RETENTION_UNCHOSEN_KEY } from '../db/migrations/006-retention-choice';
import type { SettingsRepository } from '../db/repositories/settings';
import { logger } from '../log';
import type { UnitOfWork, Writes } from './unit-of-work';

const log = logger('settings');

export function settingsService(deps: {
  writes: Writes;
  settings: SettingsRepository;
  channels: NotifyChannels;
  /** After a change of the notice channels commits: what a failed server held back goes to the one set now. */
  channelsChanged: () => void;
}) {
  /**
   * The stored values over the defaults. A value that no longer passes the rules (written
   * by hand, or by an older version with other rules) falls back to its default, so a
   * bad row can never stop the desk or its chores.
   */
  function readSite(): SiteSettings {
    const merged: Record<string, unknown> = { ...DEFAULT_SITE_SETTINGS };
    for (const [key, value] of Object.entries(deps.settings.read())) {
      if (!Object.hasOwn(DEFAULT_SITE_SETTINGS, key)) continue;
      const checked = siteSettingsSchema.shape[key as keyof SiteSettings].safeParse(value);
      if (checked.success) merged[key] = checked.data;
      else log.warn(`ignored the stored value of ${key}: ${checked.error.issues[0]?.message}`);
    }
    return merged as SiteSettings;
  }

  /** The site's settings and this desk's notice channels, as GET /v1/admin/settings shows them. */
  function read(): Settings {
    return { ...readSite(), ...deps.channels.read() };
  }

  /** True while a site upgraded from before retention has not chosen how long photos are kept. */
  function retentionChoicePending(): boolean {
    return deps.settings.read()[RETENTION_UNCHOSEN_KEY] === true;
  }

  /**
   * Applies a change and audits it in one transaction, naming each setting whose value
   * changed with its old and new value (settings hold no personal data). An upgraded site's
   * wait for a photo retention ends with a choice made on purpose: a new value, or the
   * setting sent alone (the desk's question sends it so; "until erased" is a choice too).
   * A client that sends every setting with each save chooses nothing by it.
   */
  function update(
    patch: SettingsPatch,
    userId: number,
    unit: UnitOfWork,
  ): Settings & { webhook_secret?: string | undefined } {
    const before = readSite();
    const channels = deps.channels.update(patch);
    const secret = channels.webhookSecret === undefined ? {} : { webhook_secret: channels.webhookSecret };
    const keys = (Object.keys(patch) as (keyof SiteSettings)[]).filter((key) =>
      Object.hasOwn(DEFAULT_SITE_SETTINGS, key),
    );
    const changed = keys.filter((key) => patch[key] !== before[key]);
    const chosen =
      retentionChoicePending() &&
      (changed.includes('photo_retention_days') || (keys.length === 1 && keys[0] === 'photo_retention_days'));
    if (changed.length === 0 && !chosen && channels.changed.length === 0) return read();
    deps.settings.write(Object.fromEntries(changed.map((key) => [key, patch[key]])));
    if (chosen) deps.settings.remove(RETENTION_UNCHOSEN_KEY);
    const named = new Set<keyof SiteSettings>(chosen ? [...changed, 'photo_retention_days'] : changed);
    const detail = [...named].sort().map((key) => {
      const from =
        chosen && key === 'photo_retention_days' ? 'not chosen since the upgrade' : settingInWords(key, before[key]);
      return `${SETTING_LABELS[key]}: ${from} → ${settingInWords(key, patch[key] as SiteSettings[typeof key])}`;
    });
    unit.audit({ action: 'settings.update', userId, detail: [...detail, ...channels.changed].join('; ') });
    if (channels.changed.length > 0) unit.afterCommit(deps.channelsChanged);
    return { ...read(), ...secret };
  }

  return {
    read,
    readSite,
    update: (patch: SettingsPatch, userId: number) => deps.writes.run((unit) => update(patch, userId, unit)),
    retentionChoicePending,
  };
}

export type SettingsService = ReturnType<typeof settingsService>;
