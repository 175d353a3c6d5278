import { useState, type FormEvent } from 'react';
import { addDays, formatLocalDate, parseLocalDate, spokenDay } from '../../../../shared/dates';
import { NOTE_MAX, type ExpectedVisit } from '../../../../shared/expected';
import { NAME_MAX, PURPOSE_MAX } from '../../../../shared/visitor-fields';
import { useSession } from '../../app/session';
import { ApiRequestError } from '../../lib/api';
import { Dialog, FormActions } from '../../lib/Dialog';
import { textField } from '../../lib/form';
import { FormError } from '../../lib/FormError';
import { useExpectVisitor } from '../../queries/expected';
import { VisiteePicker } from '../checkin/VisiteePicker';

/**
 * Announces a visit in advance, for today or any later day, with the time due and a note
 * for the desk. The answer names the day, so a visit for tomorrow is never lost from sight:
 * "Show that day" opens the Expected view on it.
 */
export function ExpectDialog({
  today,
  onClose,
  onShowDay,
}: {
  today: string;
  onClose: () => void;
  onShowDay: (date: string) => void;
}) {
  const { token } = useSession();
  const expect = useExpectVisitor(token);
  const tomorrow = formatLocalDate(addDays(parseLocalDate(today)!, 1));
  const [date, setDate] = useState(today);
  const [visiteeNo, setVisiteeNo] = useState<number | null>(null);
  const [added, setAdded] = useState<ExpectedVisit | null>(null);
  // A new form after "Expect another": its fields start empty.
  const [round, setRound] = useState(0);
  const problem = expect.error;
  const fieldOf = problem instanceof ApiRequestError ? problem.field : undefined;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    expect.mutate(
      {
        name: textField(data, 'name'),
        expected_date: date,
        expected_time: textField(data, 'expected_time'),
        ...(visiteeNo === null ? {} : { visitee_no: visiteeNo }),
        purpose: textField(data, 'purpose'),
        mobile: textField(data, 'mobile').replace(/[\s\-().]/g, ''),
        note: textField(data, 'note'),
        email: textField(data, 'email'),
      },
      { onSuccess: setAdded },
    );
  }

  if (added) {
    return (
      <Dialog title="Visitor expected" onClose={onClose} className="confirm expect">
        <p role="status" className="expected-confirmation">
          <strong>{added.name}</strong> is expected {spokenDay(added.expected_date, today)}
          {added.expected_time ? `, at ${added.expected_time}` : ''}
          {added.visitee_name ? `, to see ${added.visitee_name}` : ''}.
          {added.email && ` An invitation with a QR code goes to ${added.email}.`}
        </p>
        <div className="dialog-actions">
          <span className="spacer" />
          <button
            type="button"
            onClick={() => {
              expect.reset();
              setAdded(null);
              setVisiteeNo(null);
              setRound((n) => n + 1);
            }}
          >
            Expect another
          </button>
          <button type="button" onClick={() => onShowDay(added.expected_date)}>
            Show that day
          </button>
          <button type="button" className="primary" onClick={onClose} autoFocus>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  const otherDay = date !== today && date !== tomorrow;
  return (
    <Dialog title="Expect a visitor" onClose={onClose} className="confirm expect">
      <form className="fields" onSubmit={submit} key={round}>
        <label>
          Full name
          <input name="name" required maxLength={NAME_MAX} autoComplete="off" autoFocus />
        </label>
        <fieldset className="when">
          <legend>When</legend>
          <div className="segmented" role="group" aria-label="Day">
            <button type="button" aria-pressed={date === today} onClick={() => setDate(today)}>
              Today
            </button>
            <button type="button" aria-pressed={date === tomorrow} onClick={() => setDate(tomorrow)}>
              Tomorrow
            </button>
            <input
              type="date"
              aria-label="Another day"
              min={today}
              value={otherDay ? date : ''}
              onChange={(event) => setDate(event.target.value || today)}
            />
          </div>
          <label className="inline">
            Arrives at
            <input name="expected_time" type="time" aria-label="Arrives at (optional)" />
          </label>
          <span className="hint">{spokenDay(date, today)}</span>
        </fieldset>
        <VisiteePicker
          value={visiteeNo}
          onChange={setVisiteeNo}
          error={fieldOf === 'visitee_no' ? problem?.message : undefined}
        />
        <div className="row">
          <label>
            Purpose
            <input name="purpose" maxLength={PURPOSE_MAX} autoComplete="off" />
          </label>
          <label>
            Mobile
            <input name="mobile" type="tel" autoComplete="off" />
          </label>
        </div>
        <label>
          Visitor’s e-mail
          <input
            name="email"
            type="email"
            autoComplete="off"
            placeholder="They get an invitation with a QR code to show at the desk"
            aria-invalid={fieldOf === 'email'}
          />
        </label>
        <label>
          Note for the desk
          <input name="note" maxLength={NOTE_MAX} autoComplete="off" placeholder="Parking space, accessibility, …" />
        </label>
        <FormError error={fieldOf === 'visitee_no' ? null : problem} />
        <FormActions onCancel={onClose} submit="Add to expected" busy={expect.isPending} />
      </form>
    </Dialog>
  );
}
