import { useState } from 'react';
import type { Visitor } from '../../../../shared/api-types';
import { useSession } from '../../app/session';
import { downloadFile } from '../../lib/download';

/**
 * Opens a visitor's signed agreement: the PDF the desk makes of it, saved where the staff
 * member chooses, to read or print. Each copy taken is on the audit trail.
 */
export function SignedCopyButton({ visitor }: { visitor: Visitor }) {
  const { token } = useSession();
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="link"
        onClick={() => {
          setProblem(null);
          downloadFile(
            `/v1/visitors/${visitor.visitor_id}/agreement.pdf`,
            token,
            `agreement-${visitor.card_no}.pdf`,
          ).catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
        }}
      >
        Signed copy (PDF)
      </button>
      {problem && (
        <span className="field-error" role="alert">
          {problem}
        </span>
      )}
    </>
  );
}
