import { useQuery } from '@tanstack/react-query';
import type { Visitor } from '../../../../shared/api-types';
import { useSession } from '../../app/session';
import { Dialog } from '../../lib/Dialog';
import { initials } from '../../lib/format';
import { fullPhotoQuery, thumbQuery } from '../../queries/photos';
import { usePlaceholder } from '../log/Thumbnail';

interface Props {
  visitor: Visitor;
  position: { index: number; total: number };
  onMove: (delta: -1 | 1) => void;
  onClose: () => void;
  onExit: (visitor: Visitor) => void;
}

/**
 * The one place a full photo is loaded: the thumbnail (already in the cache from the
 * grid) is shown at once, scaled up, and the full photo replaces it when it arrives.
 */
export function PhotoViewer({ visitor, position, onMove, onClose, onExit }: Props) {
  const { token } = useSession();
  const hasPhoto = visitor.has_photo;
  const thumb = useQuery({ ...thumbQuery(token, visitor.visitor_id), enabled: hasPhoto });
  const full = useQuery({ ...fullPhotoQuery(token, visitor.visitor_id), enabled: hasPhoto });
  const placeholder = usePlaceholder(visitor.thumbhash);
  const shown = full.data ?? thumb.data ?? placeholder;
  const unavailable = !hasPhoto || (full.isError && thumb.isError);

  return (
    <Dialog
      title={visitor.name}
      onClose={onClose}
      className="viewer"
      onKeyDown={(event) => {
        if (event.key === 'ArrowLeft') onMove(-1);
        else if (event.key === 'ArrowRight') onMove(1);
        else return;
        event.preventDefault();
      }}
    >
      <div className="viewer-body">
        <figure className="viewer-photo" aria-busy={hasPhoto && !full.data}>
          {unavailable ? (
            <div className="photo initials large" role="img" aria-label={`No photo of ${visitor.name}`}>
              {initials(visitor.name)}
            </div>
          ) : (
            shown && (
              <img
                key={visitor.visitor_id}
                src={shown}
                alt={`Photo of ${visitor.name}`}
                data-quality={full.data ? 'full' : 'preview'}
                className={full.data ? 'full' : 'preview'}
              />
            )
          )}
          {hasPhoto && !full.data && !full.isError && (
            <figcaption className="loading-note">Loading full photo…</figcaption>
          )}
          {hasPhoto && full.isError && !unavailable && (
            <figcaption className="loading-note">The full photo is not available.</figcaption>
          )}
        </figure>
        <dl className="viewer-details">
          <dt>Card</dt>
          <dd>#{visitor.card_no}</dd>
          <dt>Purpose</dt>
          <dd>{visitor.purpose}</dd>
          <dt>Visiting</dt>
          <dd>{visitor.visitee_name ?? '—'}</dd>
          <dt>Mobile</dt>
          <dd>{visitor.mobile}</dd>
          <dt>Arrived</dt>
          <dd>{visitor.entry_time}</dd>
          <dt>Left</dt>
          <dd>{visitor.exit_time ?? 'Still on site'}</dd>
        </dl>
      </div>
      <div className="dialog-actions">
        <button type="button" onClick={() => onMove(-1)} disabled={position.index === 0} aria-label="Previous visitor">
          ←
        </button>
        <span className="position">
          {position.index + 1} of {position.total}
        </span>
        <button
          type="button"
          onClick={() => onMove(1)}
          disabled={position.index >= position.total - 1}
          aria-label="Next visitor"
        >
          →
        </button>
        <span className="spacer" />
        {visitor.exit_time === null && (
          <button type="button" className="primary danger" onClick={() => onExit(visitor)}>
            Record exit
          </button>
        )}
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </Dialog>
  );
}
