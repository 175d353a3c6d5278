import { useState, type FormEvent } from 'react';
import type { Visitor } from '../../../../shared/api-types';
import {
  checkCorrection,
  CORRECTION_FIELDS,
  NAME_MAX,
  PURPOSE_MAX,
  type CorrectionField,
  type VisitorCorrection,
} from '../../../../shared/visitor-fields';
import { useSession } from '../../app/session';
import { ApiRequestError } from '../../lib/api';
import { Dialog, FormActions } from '../../lib/Dialog';
import { textField } from '../../lib/form';
import { FormError } from '../../lib/FormError';
import { useCorrectVisitor } from '../../queries/mutations';
import { VisiteePicker } from '../checkin/VisiteePicker';

/**
 * Puts right a mistake made at check-in (a typo in the name, the wrong host or card), on the
 * day: only what changed is sent, checked by the same rules as the server's, and the trail
 * records which fields were corrected.
 */
export function EditVisitorDialog({ visitor, onClose }: { visitor: Visitor; onClose: () => void }) {
  const { token } = useSession();
  const correct = useCorrectVisitor(token, visitor.visitor_id);
  const [visiteeNo, setVisiteeNo] = useState<number | null>(visitor.visitee_no);
  const [problem, setProblem] = useState<{ field?: CorrectionField | undefined; message: string } | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const typed: Record<CorrectionField, unknown> = {
      name: textField(data, 'name'),
      card_no: textField(data, 'card_no').trim(),
      mobile: textField(data, 'mobile').replace(/[\s\-().]/g, ''),
      purpose: textField(data, 'purpose'),
      visitee_no: visiteeNo,
    };
    const was: Record<CorrectionField, unknown> = { ...visitor, card_no: String(visitor.card_no) };
    const changed = Object.fromEntries(CORRECTION_FIELDS.filter((f) => typed[f] !== was[f]).map((f) => [f, typed[f]]));
    if (Object.keys(changed).length === 0) return onClose();
    const checked = checkCorrection(changed);
    if (!checked.ok) return setProblem(checked.problem);
    setProblem(null);
    correct.mutate(checked.value satisfies VisitorCorrection, {
      onSuccess: onClose,
      onError: (error) =>
        setProblem({
          field: error instanceof ApiRequestError ? (error.field as CorrectionField | undefined) : undefined,
          message: error.message,
        }),
    });
  }

  const errorOf = (field: CorrectionField) =>
    problem?.field === field ? (
      <span className="field-error" role="alert">
        {problem.message}
      </span>
    ) : null;

  return (
    <Dialog title={`Correct ${visitor.name}`} onClose={onClose} className="confirm">
      <form className="fields" onSubmit={submit} noValidate>
        <label>
          Full name
          <input name="name" defaultValue={visitor.name} maxLength={NAME_MAX} autoComplete="off" autoFocus />
          {errorOf('name')}
        </label>
        <div className="row">
          <label>
            Card number
            <input name="card_no" defaultValue={visitor.card_no} inputMode="numeric" maxLength={4} autoComplete="off" />
            {errorOf('card_no')}
          </label>
          <label>
            Mobile
            <input name="mobile" type="tel" defaultValue={visitor.mobile} autoComplete="off" />
            {errorOf('mobile')}
          </label>
        </div>
        <label>
          Purpose
          <input name="purpose" defaultValue={visitor.purpose} maxLength={PURPOSE_MAX} autoComplete="off" />
          {errorOf('purpose')}
        </label>
        <VisiteePicker
          value={visiteeNo}
          onChange={setVisiteeNo}
          error={problem?.field === 'visitee_no' ? problem.message : undefined}
        />
        <FormError error={problem && !problem.field ? problem.message : null} />
        <p className="hint">The audit trail records which fields were corrected, never their values.</p>
        <FormActions
          onCancel={onClose}
          submit={correct.isPending ? 'Saving…' : 'Save correction'}
          busy={correct.isPending}
        />
      </form>
    </Dialog>
  );
}
