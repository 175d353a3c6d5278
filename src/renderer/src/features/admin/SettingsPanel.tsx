import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import {
  BADGE_SIZE_LABELS,
  BADGE_SIZES,
  describeRetention,
  RETENTION_DAYS_MAX,
  type BadgeSize,
  type Settings,
} from '../../../../shared/settings';
import { useSession } from '../../app/session';
import { settingsQuery, useChangeSettings } from '../../queries/admin';
import { SaveActions } from './SaveActions';

/** Desk-wide settings, with what each one does to people's data said in words. */
export function SettingsPanel() {
  const { token } = useSession();
  const settings = useQuery(settingsQuery(token));
  const change = useChangeSettings(token);
  if (!settings.data) return <p className="notice">{settings.error?.message ?? 'Loading…'}</p>;
  // Keyed by the saved values: after a save (here or at another desk) the form starts from them.
  return <SettingsForm key={JSON.stringify(settings.data)} saved={settings.data} change={change} />;
}

function SettingsForm({ saved, change }: { saved: Settings; change: ReturnType<typeof useChangeSettings> }) {
  const [draft, setDraft] = useState<Settings>(saved);
  const [signOutTime, setSignOutTime] = useState(saved.auto_signout_time ?? '23:59');
  const [photoDays, setPhotoDays] = useState(String(saved.photo_retention_days ?? 30));
  const [visitDays, setVisitDays] = useState(String(saved.visit_retention_days ?? 365));
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);

  // Not a whole number: sent as 0, which the server refuses in words ("at least 1 day").
  const days = (text: string): number => (/^\d+$/.test(text) ? Number(text) : 0);

  function submit(event: FormEvent) {
    event.preventDefault();
    // Only what changed: saving the badge size must not count as choosing a photo retention.
    const changed = Object.fromEntries(
      Object.entries(draft).filter(([key, value]) => value !== saved[key as keyof Settings]),
    ) as Partial<Settings>;
    change.mutate(changed);
  }

  return (
    <form className="admin-panel settings" onSubmit={submit} aria-label="Settings">
      <fieldset>
        <legend>Automatic sign-out</legend>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.auto_signout_time !== null}
            onChange={(event) => setDraft({ ...draft, auto_signout_time: event.target.checked ? signOutTime : null })}
          />
          Sign out everyone still on the premises every day at
          <input
            type="time"
            aria-label="Sign-out time"
            value={signOutTime}
            disabled={draft.auto_signout_time === null}
            onChange={(event) => {
              setSignOutTime(event.target.value);
              setDraft({ ...draft, auto_signout_time: event.target.value || null });
            }}
          />
        </label>
        <p className="consequence">
          {draft.auto_signout_time === null
            ? 'Visitors stay “on site” until someone records their exit.'
            : `Visitors who have not signed out by ${draft.auto_signout_time} are signed out automatically at that time; History shows it. A desk that was off then catches up when it starts.`}
        </p>
      </fieldset>

      <fieldset>
        <legend>Keeping people’s data</legend>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.photo_retention_days !== null}
            onChange={(event) =>
              setDraft({ ...draft, photo_retention_days: event.target.checked ? days(photoDays) : null })
            }
          />
          Delete photos of visitors who left more than
          <input
            type="number"
            aria-label="Photo retention in days"
            min={1}
            max={RETENTION_DAYS_MAX}
            value={photoDays}
            disabled={draft.photo_retention_days === null}
            onChange={(event) => {
              setPhotoDays(event.target.value);
              setDraft({ ...draft, photo_retention_days: days(event.target.value) });
            }}
          />
          days ago
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.visit_retention_days !== null}
            onChange={(event) =>
              setDraft({ ...draft, visit_retention_days: event.target.checked ? days(visitDays) : null })
            }
          />
          Erase visits older than
          <input
            type="number"
            aria-label="Visit retention in days"
            min={1}
            max={RETENTION_DAYS_MAX}
            value={visitDays}
            disabled={draft.visit_retention_days === null}
            onChange={(event) => {
              setVisitDays(event.target.value);
              setDraft({ ...draft, visit_retention_days: days(event.target.value) });
            }}
          />
          days
        </label>
        {describeRetention(draft).map((sentence) => (
          <p key={sentence} className="consequence">
            {sentence}
          </p>
        ))}
      </fieldset>

      <fieldset>
        <legend>Visitor badges</legend>
        <label>
          Label size
          <select
            value={draft.badge_size}
            onChange={(event) => setDraft({ ...draft, badge_size: event.target.value as BadgeSize })}
          >
            {BADGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {BADGE_SIZE_LABELS[size]}
              </option>
            ))}
          </select>
        </label>
      </fieldset>

      <SaveActions
        error={change.error}
        saved={change.isSuccess}
        dirty={dirty}
        pending={change.isPending}
        undo={() => setDraft(saved)}
      >
        Save settings
      </SaveActions>
    </form>
  );
}
