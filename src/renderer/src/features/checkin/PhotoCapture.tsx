import { useEffect, useRef, useState } from 'react';
import { IMAGE_FORMATS_LABEL } from '../../../../shared/api-types';
import { preparePhoto, PhotoFileProblem } from './prepare-photo';

type Mode = 'camera' | 'file';

// Any picture: one the server does not take as it is (a GIF, an AVIF) is redrawn as a JPEG.
const ACCEPTED = 'image/*';

/** The visitor's photo: from the desk's webcam (preview, capture, retake) or a file (picker or drop). */
export function PhotoCapture({
  value,
  onChange,
  onCapturing,
  error,
}: {
  value: Blob | null;
  onChange: (photo: Blob | null) => void;
  /** The shutter was pressed: the photo follows once encoded (onChange). */
  onCapturing: () => void;
  error?: string | undefined;
}) {
  const [mode, setMode] = useState<Mode>('camera');
  const preview = useObjectUrl(value);

  return (
    <div className="photo-capture">
      <div className="segmented" role="group" aria-label="Photo source">
        <button type="button" aria-pressed={mode === 'camera'} onClick={() => setMode('camera')}>
          Camera
        </button>
        <button type="button" aria-pressed={mode === 'file'} onClick={() => setMode('file')}>
          File
        </button>
      </div>
      {value && preview ? (
        <div className="captured">
          <img src={preview} alt="The visitor's photo, ready to check in" />
          <button type="button" onClick={() => onChange(null)}>
            {mode === 'camera' ? 'Retake' : 'Choose another'}
          </button>
        </div>
      ) : mode === 'camera' ? (
        <Camera onCapture={onChange} onCapturing={onCapturing} />
      ) : (
        <FileDrop onFile={onChange} />
      )}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

function Camera({ onCapture, onCapturing }: { onCapture: (photo: Blob | null) => void; onCapturing: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let cancelled = false;
    navigator.mediaDevices
      ?.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 960 }, facingMode: 'user' }, audio: false })
      .then((s) => {
        if (cancelled) return s.getTracks().forEach((t) => t.stop());
        stream = s;
        if (video.current) video.current.srcObject = s;
      })
      .catch(() => setProblem('No camera is available. Use a picture file instead.'));
    if (!navigator.mediaDevices) setProblem('No camera is available. Use a picture file instead.');
    return () => {
      cancelled = true;
      // The camera light goes off as soon as the photo is taken or the form closes.
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, []);

  function capture() {
    const v = video.current;
    if (!v || !v.videoWidth) return;
    const canvas = document.createElement('canvas');
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    canvas.getContext('2d')!.drawImage(v, 0, 0);
    onCapturing();
    // null when the frame could not be encoded: the form then says so rather than wait for it.
    canvas.toBlob((blob) => onCapture(blob), 'image/jpeg', 0.9);
  }

  if (problem) return <p className="notice">{problem}</p>;
  return (
    <div className="camera">
      <video ref={video} autoPlay playsInline muted onLoadedData={() => setReady(true)} aria-label="Camera preview" />
      <button type="button" className="primary" onClick={capture} disabled={!ready}>
        Take photo
      </button>
    </div>
  );
}

function FileDrop({ onFile }: { onFile: (photo: Blob) => void }) {
  const [hover, setHover] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  // Decoded here, when chosen: a file that is no picture is said at once, not at Check in;
  // one too large (a phone's photo) is made smaller instead of refused.
  const take = (file: File | undefined) => {
    if (!file) return;
    setProblem(null);
    setReading(true);
    preparePhoto(file)
      .then(onFile, (error: unknown) =>
        setProblem(error instanceof PhotoFileProblem ? error.message : 'The picture could not be read.'),
      )
      .finally(() => setReading(false));
  };
  return (
    <label
      className={`file-drop ${hover ? 'hover' : ''}`}
      onDragOver={(event) => {
        event.preventDefault();
        setHover(true);
      }}
      onDragLeave={() => setHover(false)}
      onDrop={(event) => {
        event.preventDefault();
        setHover(false);
        take(event.dataTransfer.files[0]);
      }}
    >
      <span>Drop a picture here, or choose a file</span>
      <span className="hint">
        {reading ? 'Reading the picture…' : `${IMAGE_FORMATS_LABEL}; a larger photo is made smaller`}
      </span>
      <input type="file" accept={ACCEPTED} onChange={(event) => take(event.target.files?.[0])} />
      {problem && (
        <span className="field-error" role="alert">
          {problem}
        </span>
      )}
    </label>
  );
}

function useObjectUrl(blob: Blob | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!blob) return setUrl(null);
    const created = URL.createObjectURL(blob);
    setUrl(created);
    return () => URL.revokeObjectURL(created);
  }, [blob]);
  return url;
}
