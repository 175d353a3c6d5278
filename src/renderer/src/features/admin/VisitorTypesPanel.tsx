import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { BADGE_NOTE_MAX, TYPE_NAME_MAX, type VisitorType } from '../../../../shared/visitor-types';
import { useSession } from '../../app/session';
import { FormError } from '../../lib/FormError';
import { textField } from '../../lib/form';
import {
  agreementsQuery,
  useAddVisitorType,
  useChangeVisitorType,
  visitorTypesQuery,
} from '../../queries/checkin-flows';
import { AgreementsPanel } from './AgreementsPanel';
import { TypeChip } from '../log/TypeChip';

/**
 * Administration → Visitor types: what each kind of visitor's check-in asks (a photo, an
 * agreement to sign) and what their badge says. A type is never removed, only retired: its
 * visitors keep it. The agreements the types use are edited below them.
 */
export function VisitorTypesPanel() {
  const { token } = useSession();
  const types = useQuery(visitorTypesQuery(token));
  const agreements = useQuery(agreementsQuery(token));
  const add = useAddVisitorType(token);
  const change = useChangeVisitorType(token);
  const [editing, setEditing] = useState<number | null>(null);

  function fieldsOf(form: HTMLFormElement) {
    const data = new FormData(form);
    const agreement = textField(data, 'agreement_id');
    return {
      name: textField(data, 'name'),
      color: textField(data, 'color'),
      photo_required: data.get('photo_required') === 'on',
      agreement_id: agreement ? Number(agreement) : null,
      badge_note: textField(data, 'badge_note'),
    };
  }

  function submitNew(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    add.mutate(fieldsOf(form), { onSuccess: () => form.reset() });
  }

  const agreementChoice = (value: number | null, label?: string) => (
    <select name="agreement_id" defaultValue={value ?? ''} {...(label ? { 'aria-label': label } : {})}>
      <option value="">No agreement</option>
      {(agreements.data ?? []).map((agreement) => (
        <option key={agreement.agreement_id} value={agreement.agreement_id}>
          {agreement.title} (version {agreement.version})
        </option>
      ))}
    </select>
  );

  const row = (type: VisitorType) =>
    editing === type.type_id ? (
      <tr key={type.type_id}>
        <td colSpan={6}>
          <form
            className="type-edit"
            aria-label={`Change ${type.name}`}
            onSubmit={(event) => {
              event.preventDefault();
              change.mutate(
                { typeId: type.type_id, patch: fieldsOf(event.currentTarget) },
                {
                  onSuccess: () => {
                    setEditing(null);
                    change.reset();
                  },
                },
              );
            }}
          >
            <input name="name" defaultValue={type.name} maxLength={TYPE_NAME_MAX} aria-label="Name" required />
            <input name="color" type="color" defaultValue={type.color} aria-label="Colour" />
            <label>
              <input name="photo_required" type="checkbox" defaultChecked={type.photo_required} /> Photo required
            </label>
            {agreementChoice(type.agreement_id, 'Agreement to sign')}
            <input
              name="badge_note"
              defaultValue={type.badge_note ?? ''}
              maxLength={BADGE_NOTE_MAX}
              placeholder="Note for the badge"
              aria-label="Note for the badge"
            />
            <button type="submit" className="primary" disabled={change.isPending}>
              Save
            </button>
            <button type="button" onClick={() => setEditing(null)}>
              Cancel
            </button>
            <FormError error={change.error} />
          </form>
        </td>
      </tr>
    ) : (
      <tr key={type.type_id} className={type.active ? '' : 'inactive'}>
        <td>
          <TypeChip visitor={{ type_name: type.name, type_color: type.color }} />
        </td>
        <td>{type.photo_required ? 'Photo required' : 'Photo optional'}</td>
        <td>
          {type.agreement_id === null
            ? '—'
            : (agreements.data?.find((a) => a.agreement_id === type.agreement_id)?.title ?? 'An agreement')}
        </td>
        <td>{type.badge_note ?? ''}</td>
        <td>{type.active ? 'Active' : 'Retired'}</td>
        <td className="actions">
          <button type="button" onClick={() => setEditing(type.type_id)}>
            Edit
          </button>
          {type.type_id !== 1 && (
            <button
              type="button"
              onClick={() => change.mutate({ typeId: type.type_id, patch: { active: !type.active } })}
            >
              {type.active ? 'Retire' : 'Bring back'}
            </button>
          )}
        </td>
      </tr>
    );

  return (
    <div className="admin-panel visitor-types">
      <form className="admin-add" onSubmit={submitNew} aria-label="Add a visitor type">
        <h2>Add a visitor type</h2>
        <label>
          Name
          <input name="name" required maxLength={TYPE_NAME_MAX} autoComplete="off" />
        </label>
        <label>
          Colour
          <input name="color" type="color" defaultValue="#0891b2" />
        </label>
        <label className="checkbox">
          <input name="photo_required" type="checkbox" defaultChecked /> Photo required
        </label>
        <label>
          Agreement to sign
          {agreementChoice(null)}
        </label>
        <label>
          Note for the badge
          <input name="badge_note" maxLength={BADGE_NOTE_MAX} autoComplete="off" />
        </label>
        <button type="submit" className="primary" disabled={add.isPending}>
          Add type
        </button>
        <FormError error={add.error} />
      </form>
      <section aria-labelledby="types-title">
        <h2 id="types-title">Visitor types</h2>
        <FormError error={types.error ?? (editing === null ? change.error : null)} />
        <table className="admin-table">
          <thead>
            <tr>
              <th>Type</th>
              <th>Photo</th>
              <th>Agreement</th>
              <th>Badge note</th>
              <th>Status</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>{(types.data ?? []).map(row)}</tbody>
        </table>
      </section>
      <AgreementsPanel />
    </div>
  );
}
