import { useState, type FormEvent } from 'react';
import { NOTE_MAX } from '../../../../shared/expected';
import { NAME_MAX, PURPOSE_MAX } from '../../../../shared/visitor-fields';
import { useSession } from '../../app/session';
import { ApiRequestError } from '../../lib/api';
import { Dialog, FormActions } from '../../lib/Dialog';
import { textField } from '../../lib/form';
import { FormError } from '../../lib/FormError';
import { useExpectVisitor } from '../../queries/expected';
import { VisiteePicker } from '../checkin/VisiteePicker';

/** Announces a visit in advance: the desk then finds it under Expected today and checks it in with one click. */
export function ExpectDialog({ today, onClose }: { today: string; onClose: () => void }) {
  const { token } = useSession();
  const expect = useExpectVisitor(token);
  const [visiteeNo, setVisiteeNo] = useState<number | null>(null);
  const problem = expect.error;
  const fieldOf = problem instanceof ApiRequestError ? problem.field : undefined;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    expect.mutate(
      {
        name: textField(data, 'name'),
        expected_date: textField(data, 'expected_date'),
        ...(visiteeNo === null ? {} : { visitee_no: visiteeNo }),
        purpose: textField(data, 'purpose'),
        mobile: textField(data, 'mobile').replace(/[\s\-().]/g, ''),
        note: textField(data, 'note'),
      },
      { onSuccess: onClose },
    );
  }

  return (
    <Dialog title="Expect a visitor" onClose={onClose} className="confirm expect">
      <form className="fields" onSubmit={submit}>
        <label>
          Full name
          <input name="name" required maxLength={NAME_MAX} autoComplete="off" autoFocus />
        </label>
        <label>
          Date
          <input name="expected_date" type="date" required defaultValue={today} min={today} />
        </label>
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
          Note for the desk
          <input name="note" maxLength={NOTE_MAX} autoComplete="off" placeholder="Parking space, accessibility, …" />
        </label>
        <FormError error={fieldOf === 'visitee_no' ? null : problem} />
        <FormActions onCancel={onClose} submit="Add to expected" busy={expect.isPending} />
      </form>
    </Dialog>
  );
}
