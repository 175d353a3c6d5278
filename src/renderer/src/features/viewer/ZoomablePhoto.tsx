import { useQuery } from '@tanstack/react-query';
import { useLayoutEffect, useRef, useState, type PointerEvent } from 'react';
import type { Visitor } from '../../../../shared/api-types';
import { useSession } from '../../app/session';
import { initials } from '../../lib/format';
import { fullPhotoQuery } from '../../queries/photos';
import { usePlaceholder, useThumbnailSource } from '../log/Thumbnail';
import { clampPan, containedSize, nextZoom, type Box } from './fit';

function useElementSize(ref: React.RefObject<HTMLElement | null>): Box {
  const [size, setSize] = useState<Box>({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setSize({ width: entry.contentRect.width, height: entry.contentRect.height });
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}

/**
 * The one place a full photo is loaded, shown whole: every layer (the ThumbHash blur, the
 * cached thumbnail, the full photo) gets the same letterboxed box computed from the
 * photo's stored size, so nothing moves when the sharper one arrives. Click or +/− zooms
 * (to compare a face with an ID card); drag pans a zoomed photo.
 */
export function ZoomablePhoto({ visitor }: { visitor: Visitor }) {
  const { token } = useSession();
  const hasPhoto = visitor.has_photo && visitor.photo_width !== null && visitor.photo_height !== null;
  const thumb = useThumbnailSource(visitor);
  const full = useQuery({ ...fullPhotoQuery(token, visitor.visitor_id), enabled: hasPhoto });
  const placeholder = usePlaceholder(visitor.thumbhash);
  const boxRef = useRef<HTMLDivElement>(null);
  const box = useElementSize(boxRef);
  const [zoom, setZoom] = useState(1);
  const [pan, setPan] = useState({ x: 0, y: 0 });
  const drag = useRef<{ x: number; y: number; panX: number; panY: number; moved: boolean } | null>(null);

  const shown = containedSize({ width: visitor.photo_width ?? 0, height: visitor.photo_height ?? 0 }, box);
  const zoomTo = (value: number): void => {
    setZoom(value);
    setPan((current) => (value === 1 ? { x: 0, y: 0 } : clampPan(current, shown, box, value)));
  };

  if (!hasPhoto || (full.isError && thumb.failed)) {
    return (
      <figure className="viewer-photo" ref={boxRef}>
        <div className="photo initials large" role="img" aria-label={`No photo of ${visitor.name}`}>
          {initials(visitor.name)}
        </div>
      </figure>
    );
  }

  const layer = {
    width: shown.width,
    height: shown.height,
    left: (box.width - shown.width) / 2,
    top: (box.height - shown.height) / 2,
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>): void => {
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, y: event.clientY, panX: pan.x, panY: pan.y, moved: false };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>): void => {
    const start = drag.current;
    if (!start) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    if (Math.abs(dx) + Math.abs(dy) > 4) start.moved = true;
    if (zoom > 1 && start.moved) setPan(clampPan({ x: start.panX + dx, y: start.panY + dy }, shown, box, zoom));
  };
  const onPointerUp = (): void => {
    // A click without a drag toggles between the whole photo and twice its size.
    if (drag.current && !drag.current.moved) zoomTo(zoom === 1 ? 2 : 1);
    drag.current = null;
  };

  return (
    <figure className="viewer-photo" aria-busy={!full.data}>
      <div
        ref={boxRef}
        className={`zoom-box ${zoom > 1 ? 'zoomed' : ''}`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => (drag.current = null)}
        onKeyDown={(event) => {
          if (event.key === '+' || event.key === '=') zoomTo(nextZoom(zoom, 1));
          else if (event.key === '-') zoomTo(nextZoom(zoom, -1));
          else if (event.key === '0') zoomTo(1);
          else return;
          event.preventDefault();
          event.stopPropagation();
        }}
        tabIndex={0}
        role="group"
        aria-label={`Photo of ${visitor.name}, ${Math.round(zoom * 100)}%: click or press + and − to zoom`}
      >
        <div className="zoom-layer" style={{ transform: `translate(${pan.x}px, ${pan.y}px) scale(${zoom})` }}>
          {placeholder && <img className="layer" style={layer} src={placeholder} alt="" aria-hidden="true" />}
          {thumb.src && !full.data && (
            <img
              className="layer preview"
              style={layer}
              src={thumb.src}
              alt=""
              aria-hidden="true"
              onError={thumb.onError}
            />
          )}
          {full.data && (
            <img
              className="layer full"
              data-quality="full"
              style={layer}
              src={full.data}
              alt={`Photo of ${visitor.name}`}
              draggable={false}
            />
          )}
        </div>
      </div>
      <div className="zoom-controls">
        <button type="button" onClick={() => zoomTo(nextZoom(zoom, -1))} disabled={zoom === 1} aria-label="Zoom out">
          −
        </button>
        <span aria-live="polite">{Math.round(zoom * 100)}%</span>
        <button type="button" onClick={() => zoomTo(nextZoom(zoom, 1))} disabled={zoom === 4} aria-label="Zoom in">
          +
        </button>
      </div>
      {!full.data && !full.isError && <figcaption className="loading-note">Loading full photo…</figcaption>}
      {full.isError && <figcaption className="loading-note">The full photo is not available.</figcaption>}
    </figure>
  );
}
