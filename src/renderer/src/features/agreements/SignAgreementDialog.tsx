import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useSession } from '../../app/session';
import { Dialog } from '../../lib/Dialog';
import { FormError } from '../../lib/FormError';
import { agreementQuery } from '../../queries/checkin-flows';
import { AgreementText } from './AgreementText';
import { SignaturePadField, type PadReading } from './SignaturePadField';

export interface Signed {
  /** Which agreement was signed: a signature counts only for the agreement of the type chosen. */
  agreementId: number;
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
  const pad = useRef<PadReading | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  /** The PNG is read now, not as each stroke ends: a quick tap then Sign still has its stroke. */
  async function sign(): Promise<void> {
    const read = agreement.data;
    const png = pad.current && !pad.current.isEmpty() ? await pad.current.toPng() : null;
    if (!png || !read) {
      setProblem('Sign in the box first.');
      return;
    }
    onSigned({ agreementId, png, version: read.version, title: read.title });
  }
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
          <SignaturePadField onReady={(reading) => (pad.current = reading)} onDrawn={() => setProblem(null)} />
        </>
      )}
      <FormError error={problem} />
      <div className="dialog-actions">
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={!agreement.data} onClick={() => void sign()}>
          I agree and sign
        </button>
      </div>
    </Dialog>
  );
}
