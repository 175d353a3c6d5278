import { useEffect, useRef, useState } from 'react';
import SignaturePad from 'signature_pad';

/**
 * A box to sign in with a finger, a pen or the mouse (signature_pad, pointer events). The
 * canvas is sized to its box at the screen's pixel ratio, so strokes are sharp; what was drawn
 * is handed out as a PNG once a stroke ends, and null when the box is cleared.
 */
export function SignaturePadField({ onChange }: { onChange: (png: Blob | null) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const pad = useRef<SignaturePad | null>(null);
  const [empty, setEmpty] = useState(true);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const element = canvas.current!;
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    element.width = element.offsetWidth * ratio;
    element.height = element.offsetHeight * ratio;
    element.getContext('2d')!.scale(ratio, ratio);
    const signature = new SignaturePad(element, { penColor: '#0f172a', minWidth: 1, maxWidth: 3 });
    signature.addEventListener('endStroke', () => {
      setEmpty(false);
      element.toBlob((png) => changed.current(png), 'image/png');
    });
    pad.current = signature;
    return () => signature.off();
  }, []);

  return (
    <div className="signature-field">
      <canvas ref={canvas} className="signature-pad" aria-label="Sign here with a finger, a pen or the mouse" />
      <div className="signature-foot">
        <span className="hint">{empty ? 'Sign above' : 'Signed'}</span>
        <button
          type="button"
          onClick={() => {
            pad.current?.clear();
            setEmpty(true);
            onChange(null);
          }}
          disabled={empty}
        >
          Clear
        </button>
      </div>
    </div>
  );
}
