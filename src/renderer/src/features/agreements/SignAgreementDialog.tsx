import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../../app/session';
import { Dialog } from '../../lib/Dialog';
import { FormError } from '../../lib/FormError';
import { agreementQuery } from '../../queries/checkin-flows';
import { AgreementText } from './AgreementText';
import { SignaturePadField } from './SignaturePadField';

export interface Signed {
  png: Blob;
  version: number;
  title: string;
}

/**
 * The visitor reads the agreement (as it is now: read afresh) and signs it on the screen. The
 * version read goes with the signature, so an agreement changed meanwhile is refused by the
 * server (2409) and read again here.
 */
export function SignAgreementDialog({
  agreementId,
  notice,
  onSigned,
  onClose,
}: {
  agreementId: number;
  /** Why the visitor is asked again (the agreement changed while they signed). */
  notice?: string | undefined;
  onSigned: (signed: Signed) => void;
  onClose: () => void;
}) {
  const { token } = useSession();
  const agreement = useQuery(agreementQuery(token, agreementId));
  const [png, setPng] = useState<Blob | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <Dialog title={agreement.data ? agreement.data.title : 'Agreement'} onClose={onClose} className="sign-agreement">
      {notice && (
        <p className="desk-note" role="alert">
          {notice}
        </p>
      )}
      {agreement.isPending ? (
        <p>Loading the agreement…</p>
      ) : agreement.error ? (
        <FormError error={agreement.error} />
      ) : (
        <>
          <p className="hint">Version {agreement.data.version}. Please read it, then sign below.</p>
          <AgreementText text={agreement.data.text} />
          <SignaturePadField
            onChange={(next) => {
              setPng(next);
              setProblem(null);
            }}
          />
        </>
      )}
      <FormError error={problem} />
      <div className="dialog-actions">
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          disabled={!agreement.data}
          onClick={() => {
            if (!png || !agreement.data) {
              setProblem('Sign in the box first.');
              return;
            }
            onSigned({ png, version: agreement.data.version, title: agreement.data.title });
          }}
        >
          I agree and sign
        </button>
      </div>
    </Dialog>
  );
}
