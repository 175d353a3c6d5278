import { useEffect, useState } from 'react';
import type { ExpectedVisit } from '../../../../shared/expected';
import { useSession } from '../../app/session';
import { apiBlob } from '../../lib/api';
import { Dialog } from '../../lib/Dialog';
import { FormError } from '../../lib/FormError';
import { downloadFile } from '../../lib/download';

/** An expected visit's invitation QR code, to show, save or send again by other means. */
export function InvitationQr({ visit, onClose }: { visit: ExpectedVisit; onClose: () => void }) {
  const { token } = useSession();
  const [url, setUrl] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const path = `/v1/expected/${visit.expected_id}/qr.png`;

  useEffect(() => {
    let made: string | null = null;
    let gone = false;
    apiBlob(path, { token })
      .then((blob) => {
        if (gone) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      })
      .catch((error: unknown) => setProblem(error instanceof Error ? error.message : 'The code could not be read.'));
    return () => {
      gone = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [path, token]);

  return (
    <Dialog title={`Invitation of ${visit.name}`} onClose={onClose} className="confirm invitation-qr">
      <p className="consequence">
        The code holds only a random token: shown at the desk, it opens this visit’s check-in.
      </p>
      {url && <img src={url} alt={`QR code of the invitation of ${visit.name}`} width={240} height={240} />}
      <FormError error={problem} />
      <div className="dialog-actions">
        <span className="spacer" />
        <button type="button" onClick={() => void downloadFile(path, token, `invitation-${visit.expected_id}.png`)}>
          Save the image
        </button>
        <button type="button" className="primary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </Dialog>
  );
}
