import { useEffect, useRef, useState } from 'react';
import SignaturePad from 'signature_pad';

/** What the dialog asks of the pad when the visitor signs: whether anything is drawn, and the PNG of it. */
export interface PadReading {
  isEmpty(): boolean;
  toPng(): Promise<Blob | null>;
}

/**
 * A box to sign in with a finger, a pen or the mouse (signature_pad, pointer events). The
 * canvas follows its box's size at the screen's pixel ratio (a ResizeObserver: the box has no
 * size until its dialog opens, and changes with the window or the zoom), redrawing the strokes
 * so they stay under the pointer and inside the picture. The PNG is read when the visitor signs.
 */
export function SignaturePadField({
  onReady,
  onDrawn,
}: {
  onReady: (pad: PadReading) => void;
  /** Whether anything is drawn: after a stroke, and after Clear. */
  onDrawn: (drawn: boolean) => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const pad = useRef<SignaturePad | null>(null);
  const [empty, setEmpty] = useState(true);
  const handlers = useRef({ onReady, onDrawn });
  handlers.current = { onReady, onDrawn };

  useEffect(() => {
    const element = canvas.current!;
    const signature = new SignaturePad(element, { penColor: '#0f172a', minWidth: 1, maxWidth: 3 });
    const fit = (): void => {
      const ratio = Math.max(window.devicePixelRatio || 1, 1);
      // The box inside the border: the pointer's coordinates are measured from there.
      const width = Math.round(element.clientWidth * ratio);
      const height = Math.round(element.clientHeight * ratio);
      if (width === 0 || height === 0 || (element.width === width && element.height === height)) return;
      const strokes = signature.toData();
      element.width = width;
      element.height = height;
      element.getContext('2d')!.scale(ratio, ratio);
      signature.clear();
      signature.fromData(strokes);
    };
    const observer = new ResizeObserver(fit);
    observer.observe(element);
    window.addEventListener('resize', fit);
    fit();
    signature.addEventListener('endStroke', () => {
      setEmpty(false);
      handlers.current.onDrawn(true);
    });
    pad.current = signature;
    handlers.current.onReady({
      isEmpty: () => signature.isEmpty(),
      toPng: () => new Promise((resolve) => element.toBlob(resolve, 'image/png')),
    });
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', fit);
      signature.off();
    };
  }, []);

  return (
    <div className="signature-field">
      <canvas
        ref={canvas}
        className="signature-pad"
        role="img"
        aria-label="Signature box: sign here with a finger, a pen or the mouse"
      />
      <div className="signature-foot">
        <span className="hint">{empty ? 'Sign above' : 'Signed'}</span>
        <button
          type="button"
          onClick={() => {
            pad.current?.clear();
            setEmpty(true);
            onDrawn(false);
          }}
          disabled={empty}
        >
          Clear
        </button>
      </div>
    </div>
  );
}
