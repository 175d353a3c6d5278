import { useEffect, useRef, useState } from 'react';
import { INVITE_TOKEN, type ExpectedResponse, type ExpectedVisit } from '../../../../shared/expected';
import { useSession } from '../../app/session';
import { apiJson, ApiRequestError } from '../../lib/api';
import { Dialog } from '../../lib/Dialog';
import { FormError } from '../../lib/FormError';
import { readQrCode } from './qr-reader';

/** Frames looked at per second: enough to feel instant, little enough to leave the desk responsive. */
const SCAN_INTERVAL_MS = 150;

/**
 * Scan invitation: the camera reads the QR code of a visitor's invitation, the desk finds the
 * expected visit it names and opens the check-in filled in (the photo is then taken as usual).
 * A code for another day, or a visit cancelled or already arrived, is said in words and the
 * camera keeps looking.
 */
export function ScanInvitation({ onFound, onClose }: { onFound: (visit: ExpectedVisit) => void; onClose: () => void }) {
  const { token } = useSession();
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [looking, setLooking] = useState(true);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let stopped = false;
    let timer: number | undefined;
    let lastRefused = '';
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });

    async function look(): Promise<void> {
      const frame = video.current;
      if (stopped || !frame || !context || frame.videoWidth === 0) return schedule();
      canvas.width = frame.videoWidth;
      canvas.height = frame.videoHeight;
      context.drawImage(frame, 0, 0);
      const text = await readQrCode(context.getImageData(0, 0, canvas.width, canvas.height)).catch(() => undefined);
      if (stopped) return;
      if (text === undefined || text === lastRefused) return schedule();
      if (!INVITE_TOKEN.test(text)) {
        lastRefused = text;
        setProblem('That QR code is not a Frontdesk invitation.');
        return schedule();
      }
      try {
        const found = await apiJson<ExpectedResponse>(`/v1/expected/by-token/${text}`, { token });
        if (!stopped) onFound(found.data);
      } catch (error) {
        // A code the desk refused is not asked about again while it is held up; one the desk
        // could not look up (the network, a fault) is tried again.
        const refused = error instanceof ApiRequestError && (error.code === '3404' || error.code === '2409');
        if (refused) lastRefused = text;
        setProblem(refused ? error.message : 'The desk could not look the invitation up; trying again.');
        schedule();
      }
    }
    function schedule(): void {
      if (!stopped) timer = window.setTimeout(() => void look(), SCAN_INTERVAL_MS);
    }

    navigator.mediaDevices
      ?.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false })
      .then((s) => {
        if (stopped) return s.getTracks().forEach((t) => t.stop());
        stream = s;
        if (video.current) video.current.srcObject = s;
        schedule();
      })
      .catch(() => {
        setLooking(false);
        setProblem('No camera is available: find the visitor under Expected and check them in from there.');
      });
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      // The camera light goes off as soon as the code is read or the dialog closes.
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [token, onFound]);

  return (
    <Dialog title="Scan invitation" onClose={onClose} className="scan">
      <p className="consequence">Hold the QR code of the invitation up to the camera.</p>
      <div className="scan-frame">
        <video ref={video} autoPlay playsInline muted aria-label="Camera" />
        {looking && <span className="scan-target" aria-hidden />}
      </div>
      <FormError error={problem} />
      <div className="dialog-actions">
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
