import { useState, type FormEvent } from 'react';
import { describeRetention } from '../../../../shared/settings';
import { useSession } from '../../app/session';
import { Dialog, FormActions } from '../../lib/Dialog';
import { FormError } from '../../lib/FormError';
import { useChangeSettings } from '../../queries/admin';

/** The periods offered; null keeps photos until a visitor is erased. */
const CHOICES: (number | null)[] = [30, 90, 365, null];

/**
 * Asked of every admin at sign-in on a site upgraded from a release that deleted no photos:
 * nothing is deleted until one of them chooses here (or in Settings). "Keep for now" asks
 * again at the next sign-in.
 */
export function RetentionChoiceDialog({ onClose }: { onClose: () => void }) {
  const { token } = useSession();
  const change = useChangeSettings(token);
  const [days, setDays] = useState<number | null>(30);

  function submit(event: FormEvent) {
    event.preventDefault();
    change.mutate({ photo_retention_days: days }, { onSuccess: onClose });
  }

  return (
    <Dialog title="How long should visitors’ photos be kept?" onClose={onClose} className="confirm">
      <form className="fields" onSubmit={submit}>
        <p>
          This desk was upgraded from a version of Frontdesk that never deleted photos. Nothing has been deleted since,
          and nothing will be until an administrator chooses. New sites delete the photos of visitors who left more than
          30 days ago.
        </p>
        <fieldset className="choices">
          <legend>Keep the photos of visitors who have left</legend>
          {CHOICES.map((choice) => (
            <label key={choice ?? 'forever'}>
              <input
                type="radio"
                name="photo-retention"
                checked={days === choice}
                onChange={() => setDays(choice)}
                autoFocus={choice === 30}
              />
              {choice === null ? 'Until the visitor is erased' : `For ${choice} days after they left`}
            </label>
          ))}
        </fieldset>
        <p className="consequence" role="status">
          {describeRetention({ photo_retention_days: days, visit_retention_days: null })[0]}
          {days !== null && ' The first deletion runs as soon as you choose.'}
        </p>
        <FormError error={change.error} />
        <FormActions
          onCancel={onClose}
          cancel="Keep for now"
          submit={change.isPending ? 'Saving…' : 'Choose'}
          busy={change.isPending}
        />
      </form>
    </Dialog>
  );
}
