import { DEFAULT_SETTINGS, settingsSchema, type Settings, type SettingsPatch } from '../../shared/settings';
import type { SettingsRepository } from '../db/repositories/settings';
import { logger } from '../log';
import type { AuditTrail } from './audit';

const log = logger('settings');

export function settingsService(deps: { settings: SettingsRepository; audit: AuditTrail }) {
  /**
   * The stored values over the defaults. A value that no longer passes the rules (written
   * by hand, or by an older version with other rules) falls back to its default, so a
   * bad row can never stop the desk or its chores.
   */
  function read(): Settings {
    const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const [key, value] of Object.entries(deps.settings.read())) {
      if (!Object.hasOwn(DEFAULT_SETTINGS, key)) continue;
      const checked = settingsSchema.shape[key as keyof Settings].safeParse(value);
      if (checked.success) merged[key] = checked.data;
      else log.warn(`ignored the stored value of ${key}: ${checked.error.issues[0]?.message}`);
    }
    return merged as Settings;
  }

  function update(patch: SettingsPatch, userId: number): Settings {
    const changed = Object.keys(patch).filter((key) => Object.hasOwn(DEFAULT_SETTINGS, key));
    if (changed.length > 0) {
      deps.settings.write(patch);
      deps.audit.record({ action: 'settings.update', userId, detail: changed.sort().join(', ') });
    }
    return read();
  }

  return { read, update };
}

export type SettingsService = ReturnType<typeof settingsService>;
