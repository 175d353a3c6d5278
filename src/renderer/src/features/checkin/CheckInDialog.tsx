import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReturningVisitor } from '../../../../shared/returning';
import { DEFAULT_TYPE_ID } from '../../../../shared/visitor-types';
import { meQuery } from '../../queries/admin';
import { checkinKeys, returningQuery, visitorTypesQuery } from '../../queries/checkin-flows';
import { SignAgreementDialog, type Signed } from '../agreements/SignAgreementDialog';
import { AgreementStatus } from './AgreementStatus';
import { ReturningSuggestions } from './ReturningSuggestions';
import { TypePicker } from './TypePicker';
import { WatchlistStop } from './WatchlistStop';
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
import { mayReplaceCard } from './card-suggestion';

type Problems = Partial<Record<CheckInField | 'form' | 'signature' | 'type_id', string>>;

/** People type spaces and dashes in phone numbers; the API wants digits (and a leading +). */
const digitsOf = (mobile: string): string => mobile.replace(/[\s\-().]/g, '');

/** The fields a refusal is shown beside; any other (returning_id, watchlist_note) is said under the form. */
const SHOWN_BESIDE = new Set<string>([
  'cardno',
  'name',
  'mobile',
  'purpose',
  'visitee_no',
  'image',
  'signature',
  'type_id',
]);

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
  const me = useQuery(meQuery(token));
  const types = useQuery(visitorTypesQuery(token));
  const [typeId, setTypeId] = useState(DEFAULT_TYPE_ID);
  const type = types.data?.find((candidate) => candidate.type_id === typeId);
  // A returning visitor chosen from the suggestions: their earlier signature may still hold.
  const [returning, setReturning] = useState<ReturningVisitor | null>(null);
  const [nameText, setNameText] = useState(expected?.name ?? '');
  const [mobileText, setMobileText] = useState(expected?.mobile ?? '');
  const [signature, setSignature] = useState<Signed | null>(null);
  // Signing from Check in goes on to check in once signed; from "Read and sign" it does not.
  const [signing, setSigning] = useState<{ notice?: string; thenCheckIn?: boolean } | null>(null);
  const [stopped, setStopped] = useState<string | null>(null);
  const client = useQueryClient();
  // A signature counts only for the agreement of the type now chosen.
  const signed = signature && type?.agreement_id === signature.agreementId ? signature : null;
  // The person chosen from the suggestions is who is being checked in only while their name and mobile stand.
  const stillReturning =
    returning !== null && returning.name === nameText.trim() && returning.mobile === digitsOf(mobileText);
  const signedBefore =
    stillReturning &&
    type?.agreement_id != null &&
    returning.signed.some((s) => s.agreement_id === type.agreement_id && s.version === type.agreement_version);
  const needsSignature = type?.agreement_id != null && !signedBefore;
  // An expected visitor who came before is recognised by their name and mobile, as if chosen.
  const known = useQuery({
    ...returningQuery(token, expected?.name ?? ''),
    enabled: Boolean(expected?.name && expected.mobile),
  });
  useEffect(() => {
    const match = known.data?.find((person) => person.name === expected?.name && person.mobile === expected.mobile);
    if (match) setReturning(match);
  }, [known.data, expected]);
  const [problems, setProblems] = useState<Problems>({});
  const [photo, setPhoto] = useState<Blob | null>(null);
  // "Check in" pressed while the photo just taken is still being encoded: it goes once the photo is there.
  const capturing = useRef(false);
  const submitWhenCaptured = useRef(false);
  const form = useRef<HTMLFormElement>(null);
  const submitWhenSigned = useRef(false);
  useEffect(() => {
    if (!signature || !submitWhenSigned.current) return;
    submitWhenSigned.current = false;
    form.current?.requestSubmit();
  }, [signature]);
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
    const focused = document.activeElement === input;
    const wholeSelected = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    if (mayReplaceCard({ value: input.value, focused, wholeSelected }, suggestedCard.current)) {
      input.value = String(nextCard.data);
      suggestedCard.current = input.value;
      // Landing while the receptionist is in the field, it is selected: what they type replaces it, not "10" + "5".
      if (focused) input.select();
    }
  }, [nextCard.data]);

  const checkIn = useCheckIn(token, {
    onSuccess: onCheckedIn,
    onError: (error) => {
      if (error instanceof ApiRequestError && error.code === '2451') setStopped(error.message);
      else if (error instanceof ApiRequestError && error.code === '2409' && error.field === 'agreement_version') {
        // The agreement changed while the visitor signed: they read the new version and sign again.
        setSignature(null);
        void client.invalidateQueries({ queryKey: checkinKeys.all });
        setSigning({ notice: error.message, thenCheckIn: true });
      } else if (error instanceof ApiRequestError && error.field === 'agreement_version') {
        setProblems({ signature: error.message });
      } else if (error instanceof ApiRequestError && error.field && SHOWN_BESIDE.has(error.field)) {
        setProblems({ [error.field]: error.message });
      } else if (error instanceof ApiRequestError && error.code === 'network') setProblems({ form: NOT_SENT });
      else setProblems({ form: error.message });
    },
  });

  /** Fills the form from a returning visitor's latest visit; a new photo is still taken. */
  function fillFrom(person: ReturningVisitor): void {
    const fields = form.current!.elements;
    (fields.namedItem('name') as HTMLInputElement).value = person.name;
    (fields.namedItem('mobile') as HTMLInputElement).value = person.mobile;
    (fields.namedItem('purpose') as HTMLInputElement).value = person.purpose;
    setNameText(person.name);
    setMobileText(person.mobile);
    setVisiteeNo(person.visitee_no);
    if (types.data?.some((t) => t.type_id === person.type_id && t.active)) setTypeId(person.type_id);
    setReturning(person);
    setTouched(true);
    setProblems({});
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send();
  }

  /** Checks the form and sends it; `override`: an admin lets a person the watchlist stopped in. */
  function send(override?: { note: string }) {
    if (!photo && capturing.current) {
      submitWhenCaptured.current = true;
      return;
    }
    const data = new FormData(form.current!);
    const raw = {
      cardno: textField(data, 'cardno').trim(),
      name: textField(data, 'name'),
      mobile: digitsOf(textField(data, 'mobile')),
      purpose: textField(data, 'purpose'),
      visitee_no: visiteeNo === null ? '' : String(visiteeNo),
    };
    const checked = checkCheckInFields(raw);
    const found: Problems = {};
    if (!checked.ok) for (const problem of checked.problems) found[problem.field] ??= problem.message;
    const photoRequired = type?.photo_required ?? true;
    if (!photo && photoRequired) found.image = 'Take a photo or choose a picture file.';
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    // The person chosen from the suggestions is who is being checked in only while their details stand.
    if (needsSignature && !signed) {
      setSigning({ thenCheckIn: true });
      return;
    }

    const body = new FormData();
    for (const [key, value] of Object.entries(raw)) if (value !== '') body.set(key, value);
    if (expected) body.set('expected_id', String(expected.expected_id));
    body.set('type_id', String(typeId));
    if (type?.agreement_id != null) {
      if (signed) {
        body.set('agreement_version', String(signed.version));
        body.set('signature', signed.png, 'signature.png');
      } else if (signedBefore) {
        body.set('agreement_version', String(type.agreement_version));
        body.set('returning_id', returning.visitor_id);
      }
    }
    if (override) {
      body.set('override_watchlist', 'true');
      body.set('watchlist_note', override.note);
    }
    if (photo) body.set('image', photo, 'photo');
    checkIn.mutate(body);
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
            {types.data && <TypePicker types={types.data} value={typeId} onChange={setTypeId} />}
            {problems.type_id && (
              <span className="field-error" role="alert">
                {problems.type_id}
              </span>
            )}
            <label>
              Full name
              <input
                name="name"
                autoComplete="off"
                maxLength={NAME_MAX}
                defaultValue={expected?.name}
                autoFocus={!expected}
                onChange={(event) => setNameText(event.target.value)}
                {...described('name')}
              />
              {fieldError('name')}
            </label>
            {!expected && returning?.name !== nameText.trim() && (
              <ReturningSuggestions text={nameText} onChoose={fillFrom} />
            )}
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
                  onChange={(event) => setMobileText(event.target.value)}
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
            {type && !type.photo_required && <p className="hint">A photo is optional for a {type.name}.</p>}
            {type?.agreement_id != null && (
              <AgreementStatus
                signed={signed}
                signedBefore={signedBefore}
                error={problems.signature}
                onSign={() => setSigning({ thenCheckIn: false })}
              />
            )}
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
      {signing && type?.agreement_id != null && (
        <SignAgreementDialog
          agreementId={type.agreement_id}
          notice={signing.notice}
          onClose={() => setSigning(null)}
          onSigned={(next) => {
            setSignature(next);
            setSigning(null);
            setProblems(({ signature: _done, ...rest }) => rest);
            // Signed at the press of Check in: the check-in goes on by itself, once the form has the signature.
            submitWhenSigned.current = signing.thenCheckIn === true;
          }}
        />
      )}
      {stopped && (
        <WatchlistStop
          message={stopped}
          isAdmin={me.data?.role === 'admin'}
          onClose={() => {
            setStopped(null);
            // The button that sent the check-in was disabled meanwhile: focus goes back to the name.
            setTimeout(() => (form.current?.elements.namedItem('name') as HTMLInputElement | null)?.focus());
          }}
          onOverride={(note) => {
            setStopped(null);
            send({ note });
          }}
        />
      )}
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
