import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ExpectedVisit } from '../../../../shared/expected';
import { checkCheckInFields, NAME_MAX, PURPOSE_MAX, type CheckInField } from '../../../../shared/visitor-fields';
import { useSession } from '../../app/session';
import { ApiRequestError } from '../../lib/api';
import { textField } from '../../lib/form';
import { Dialog, FormActions } from '../../lib/Dialog';
import { nextCardQuery, useCheckIn } from '../../queries/mutations';
import { PhotoCapture } from './PhotoCapture';
import { VisiteePicker } from './VisiteePicker';
import { FormError } from '../../lib/FormError';

type Problems = Partial<Record<CheckInField | 'form', string>>;

/**
 * A check-in is never sent again by itself: the card may have been given to someone else
 * meanwhile, and an answer lost on the way could mean it was saved after all.
 */
const NOT_SENT =
  'Not checked in: Frontdesk’s server could not be reached. The form is kept: press Check in again when the ' +
  'green dot is back (if it was saved after all, the card number will say it is in use).';

const PURPOSES = ['Meeting', 'Delivery', 'Interview', 'Contractor', 'Maintenance', 'Training'];

/**
 * The check-in form. It checks its fields with the same schema the server uses, so a
 * mistake is shown before anything is sent; whatever the server still refuses is shown
 * beside the field it names.
 */
export function CheckInDialog({
  expected,
  onClose,
  onCheckedIn,
}: {
  /** The expected visit being checked in: its details fill the form, and it is marked arrived. */
  expected?: ExpectedVisit | undefined;
  onClose: () => void;
  onCheckedIn: (visitorId: string) => void;
}) {
  const { token } = useSession();
  const [problems, setProblems] = useState<Problems>({});
  const [photo, setPhoto] = useState<Blob | null>(null);
  // "Check in" pressed while the photo just taken is still being encoded: it goes once the photo is there.
  const capturing = useRef(false);
  const submitWhenCaptured = useRef(false);
  const form = useRef<HTMLFormElement>(null);
  const photoChanged = (next: Blob | null): void => {
    const failedCapture = capturing.current && !next;
    capturing.current = false;
    setPhoto(next);
    if (next) setProblems(({ image: _taken, ...rest }) => rest);
    if (failedCapture) {
      submitWhenCaptured.current = false;
      setProblems((current) => ({ ...current, image: 'The photo could not be taken: take it again.' }));
    }
  };
  useEffect(() => {
    if (!photo || !submitWhenCaptured.current) return;
    submitWhenCaptured.current = false;
    form.current?.requestSubmit();
  }, [photo]);
  const [visiteeNo, setVisiteeNo] = useState<number | null>(expected?.visitee_no ?? null);
  // Anything typed or a photo taken: Escape or Cancel then asks before throwing it away.
  const [touched, setTouched] = useState(false);
  const [discarding, setDiscarding] = useState(false);
  const requestClose = () => (touched || photo ? setDiscarding(true) : onClose());
  // The card suggested: the lowest nobody on the premises holds, filled in while the field is empty.
  const nextCard = useQuery({ ...nextCardQuery(token), refetchOnMount: 'always' });
  const cardInput = useRef<HTMLInputElement>(null);
  const suggestedCard = useRef('');
  useEffect(() => {
    const input = cardInput.current;
    if (nextCard.data === undefined || !input) return;
    // A newer answer replaces the card suggested before it, never one the receptionist typed.
    if (input.value === '' || input.value === suggestedCard.current) {
      input.value = String(nextCard.data);
      suggestedCard.current = input.value;
    }
  }, [nextCard.data]);

  const checkIn = useCheckIn(token, {
    onSuccess: onCheckedIn,
    onError: (error) => {
      if (error instanceof ApiRequestError && error.field) setProblems({ [error.field]: error.message });
      else if (error instanceof ApiRequestError && error.code === 'network') setProblems({ form: NOT_SENT });
      else setProblems({ form: error.message });
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!photo && capturing.current) {
      submitWhenCaptured.current = true;
      return;
    }
    const data = new FormData(event.currentTarget);
    const raw = {
      cardno: textField(data, 'cardno').trim(),
      name: textField(data, 'name'),
      // People type spaces and dashes in phone numbers; the API wants digits.
      mobile: textField(data, 'mobile').replace(/[\s\-().]/g, ''),
      purpose: textField(data, 'purpose'),
      visitee_no: visiteeNo === null ? '' : String(visiteeNo),
    };
    const checked = checkCheckInFields(raw);
    const found: Problems = {};
    if (!checked.ok) for (const problem of checked.problems) found[problem.field] ??= problem.message;
    if (!photo) found.image = 'Take a photo or choose a picture file.';
    setProblems(found);
    if (Object.keys(found).length > 0 || !photo) return;

    const form = new FormData();
    for (const [key, value] of Object.entries(raw)) if (value !== '') form.set(key, value);
    if (expected) form.set('expected_id', String(expected.expected_id));
    form.set('image', photo, 'photo');
    checkIn.mutate(form);
  }

  const fieldError = (field: CheckInField) =>
    problems[field] ? (
      <span className="field-error" id={`${field}-error`} role="alert">
        {problems[field]}
      </span>
    ) : null;
  const described = (field: CheckInField) =>
    problems[field] ? { 'aria-invalid': true, 'aria-describedby': `${field}-error` } : {};

  return (
    <Dialog
      title={expected ? `Check in ${expected.name}` : 'Check in a visitor'}
      onClose={requestClose}
      className="check-in"
    >
      <form
        ref={form}
        onSubmit={submit}
        onChange={(event) => {
          setTouched(true);
          // A field being put right loses its message: it was about what was there before.
          const field = (event.nativeEvent.target as HTMLInputElement | null)?.name;
          if (field) setProblems((current) => ({ ...current, [field]: undefined, form: undefined }));
        }}
        noValidate
      >
        {expected && (expected.note || expected.expected_time) && (
          <p className="desk-note" role="note">
            {[
              expected.expected_time && `Due ${expected.expected_time}`,
              expected.note && `Note for the desk: ${expected.note}`,
            ]
              .filter(Boolean)
              .join(' · ')}
          </p>
        )}
        <div className="check-in-grid">
          <div className="fields">
            <label>
              Full name
              <input
                name="name"
                autoComplete="off"
                maxLength={NAME_MAX}
                defaultValue={expected?.name}
                autoFocus={!expected}
                {...described('name')}
              />
              {fieldError('name')}
            </label>
            <div className="row">
              <label>
                Card number
                <input
                  ref={cardInput}
                  name="cardno"
                  inputMode="numeric"
                  autoComplete="off"
                  maxLength={4}
                  // Expected: the name is known, the card is what the receptionist types next.
                  autoFocus={Boolean(expected)}
                  {...described('cardno')}
                />
                {fieldError('cardno')}
              </label>
              <label>
                Mobile
                <input
                  name="mobile"
                  type="tel"
                  autoComplete="off"
                  placeholder="+44 7700 900123"
                  defaultValue={expected?.mobile ?? undefined}
                  {...described('mobile')}
                />
                {fieldError('mobile')}
              </label>
            </div>
            <label>
              Purpose
              <input
                name="purpose"
                list="purposes"
                autoComplete="off"
                maxLength={PURPOSE_MAX}
                defaultValue={expected?.purpose ?? undefined}
                {...described('purpose')}
              />
              <datalist id="purposes">
                {PURPOSES.map((p) => (
                  <option key={p} value={p} />
                ))}
              </datalist>
              {fieldError('purpose')}
            </label>
            <VisiteePicker
              value={visiteeNo}
              onChange={(chosen) => {
                setTouched(true);
                setVisiteeNo(chosen);
              }}
              error={problems.visitee_no}
            />
          </div>
          <div className="photo-field">
            <PhotoCapture
              value={photo}
              onChange={photoChanged}
              onCapturing={() => (capturing.current = true)}
              error={problems.image}
            />
          </div>
        </div>
        <FormError error={problems.form} />
        <FormActions
          onCancel={requestClose}
          submit={checkIn.isPending ? 'Checking in…' : 'Check in'}
          busy={checkIn.isPending}
          className="primary big"
        />
      </form>
      {discarding && (
        <Dialog title="Discard this check-in?" onClose={() => setDiscarding(false)} className="confirm">
          <p>What was typed{photo ? ' and the photo' : ''} will be lost.</p>
          <div className="dialog-actions">
            <span className="spacer" />
            <button type="button" className="primary" onClick={() => setDiscarding(false)} autoFocus>
              Keep editing
            </button>
            <button type="button" className="danger" onClick={onClose}>
              Discard
            </button>
          </div>
        </Dialog>
      )}
    </Dialog>
  );
}
