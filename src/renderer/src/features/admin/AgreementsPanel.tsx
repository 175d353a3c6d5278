import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { AGREEMENT_TEXT_MAX, AGREEMENT_TITLE_MAX, type Agreement } from '../../../../shared/agreements';
import { useSession } from '../../app/session';
import { FormError } from '../../lib/FormError';
import { agreementsQuery, useAddAgreement, useChangeAgreement } from '../../queries/checkin-flows';
import { AgreementText } from '../agreements/AgreementText';

/**
 * The agreements visitors sign (an NDA, the safety rules), in Markdown with a preview. Saving
 * a change makes the next version: the ones signed stay as they were.
 */
export function AgreementsPanel() {
  const { token } = useSession();
  const agreements = useQuery(agreementsQuery(token));
  const [editing, setEditing] = useState<Agreement | 'new' | null>(null);
  return (
    <section aria-labelledby="agreements-title" className="agreements">
      <h2 id="agreements-title">Agreements</h2>
      <FormError error={agreements.error} />
      <ul className="agreement-list">
        {(agreements.data ?? []).map((agreement) => (
          <li key={agreement.agreement_id}>
            <strong>{agreement.title}</strong> <span className="hint">version {agreement.version}</span>{' '}
            <button type="button" onClick={() => setEditing(agreement)}>
              Edit
            </button>
          </li>
        ))}
      </ul>
      {editing === null ? (
        <button type="button" onClick={() => setEditing('new')}>
          Add an agreement
        </button>
      ) : (
        <AgreementEditor
          key={editing === 'new' ? 'new' : editing.agreement_id}
          agreement={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
    </section>
  );
}

function AgreementEditor({ agreement, onDone }: { agreement: Agreement | null; onDone: () => void }) {
  const { token } = useSession();
  const add = useAddAgreement(token);
  const change = useChangeAgreement(token);
  const [title, setTitle] = useState(agreement?.title ?? '');
  const [text, setText] = useState(agreement?.text ?? '');
  const saving = add.isPending || change.isPending;
  return (
    <form
      className="agreement-editor"
      aria-label={agreement ? `Edit ${agreement.title}` : 'Add an agreement'}
      onSubmit={(event) => {
        event.preventDefault();
        if (agreement)
          change.mutate({ agreementId: agreement.agreement_id, patch: { title, text } }, { onSuccess: onDone });
        else add.mutate({ title, text }, { onSuccess: onDone });
      }}
    >
      <label>
        Title
        <input
          value={title}
          onChange={(event) => setTitle(event.target.value)}
          maxLength={AGREEMENT_TITLE_MAX}
          required
        />
      </label>
      <div className="agreement-columns">
        <label>
          Text (Markdown: # headings, - lists, **bold**)
          <textarea
            value={text}
            onChange={(event) => setText(event.target.value)}
            maxLength={AGREEMENT_TEXT_MAX}
            rows={14}
            required
          />
        </label>
        <div>
          <span className="label">As the visitor reads it</span>
          <AgreementText text={text} />
        </div>
      </div>
      {agreement && (
        <p className="hint">
          Saving makes version {agreement.version + 1}. Visitors who signed version {agreement.version} keep their copy
          of it.
        </p>
      )}
      <FormError error={add.error ?? change.error} />
      <div className="dialog-actions">
        <span className="spacer" />
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={saving}>
          {agreement ? 'Save as a new version' : 'Add agreement'}
        </button>
      </div>
    </form>
  );
}
