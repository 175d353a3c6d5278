import type { Signed } from '../agreements/SignAgreementDialog';

/** Where a check-in stands with its type's agreement: to sign, signed now, or signed at an earlier visit. */
export function AgreementStatus({
  signed,
  signedBefore,
  error,
  onSign,
}: {
  signed: Signed | null;
  signedBefore: boolean;
  error: string | undefined;
  onSign: () => void;
}) {
  return (
    <div className="agreement-status">
      {signed ? (
        <p>
          ✓ {signed.title} signed (version {signed.version}).{' '}
          <button type="button" className="link" onClick={onSign}>
            Sign again
          </button>
        </p>
      ) : signedBefore ? (
        <p>✓ Signed this version of the agreement at an earlier visit: no need to sign again.</p>
      ) : (
        <p>
          The visitor reads and signs the agreement.{' '}
          <button type="button" onClick={onSign}>
            Read and sign
          </button>
        </p>
      )}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
