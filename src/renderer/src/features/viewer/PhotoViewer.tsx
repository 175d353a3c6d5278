import { useState } from 'react';
import { NoticeStatus } from '../notify/NoticeStatus';
import type { Visitor } from '../../../../shared/api-types';
import { Dialog } from '../../lib/Dialog';
import { shortTime } from '../../lib/format';
import { PrintBadgeButton } from '../badge/PrintBadgeButton';
import { useToday } from '../../lib/today';
import { EditVisitorDialog } from './EditVisitorDialog';
import { EraseDialog } from './EraseDialog';
import { SiteTag } from '../company/SiteTag';
import { PhotoViewsDialog } from './PhotoViewsDialog';
import { ZoomablePhoto } from './ZoomablePhoto';
import { SignedCopyButton } from '../agreements/SignedCopyButton';
import { TypeChip } from '../log/TypeChip';

interface Props {
  visitor: Visitor;
  /** Admins may see who viewed the photo, and erase the visitor. */
  isAdmin: boolean;
  /** Where the visitor stands in the list shown now; null when they are no longer in it. */
  position: { index: number; total: number } | null;
  onMove: (delta: -1 | 1) => void;
  onClose: () => void;
  onExit: (visitor: Visitor) => void;
}

/**
 * A visitor, opened from the log. It follows the person, not a place in the list: if
 * they leave the list (signed out at another desk), the viewer says so and stays on them.
 */
export function PhotoViewer({ visitor, isAdmin, position, onMove, onClose, onExit }: Props) {
  const [dialog, setDialog] = useState<'views' | 'erase' | 'edit' | null>(null);
  const today = useToday();
  // Corrections are for the day: someone on the premises, or who left today.
  // A site's visitor, seen at head office: acted on at that site's desks (API contract Part 6).
  const here = !visitor.site_id;
  const correctable = here && !visitor.erased && (visitor.exit_time === null || visitor.exit_time.startsWith(today));
  return (
    <>
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
        {visitor.erased && (
          <p className="viewer-notice" role="status">
            This visitor was erased: their name, mobile, purpose and photo are gone for good.
          </p>
        )}
        {position === null && (
          <p className="viewer-notice" role="status">
            {visitor.exit_time
              ? `${visitor.name} left at ${shortTime(visitor.exit_time)} and is no longer in this list.`
              : `${visitor.name} is no longer in this list.`}
          </p>
        )}
        <div className="viewer-body">
          <ZoomablePhoto key={visitor.visitor_id} visitor={visitor} />
          <dl className="viewer-details">
            <dt>Type</dt>
            <dd>
              <TypeChip visitor={visitor} />
            </dd>
            <dt>Card</dt>
            <dd>#{visitor.card_no}</dd>
            <dt>Purpose</dt>
            <dd>{visitor.purpose}</dd>
            <dt>Visiting</dt>
            <dd>
              {visitor.visitee_name ?? '—'}
              {visitor.notification && (
                <>
                  <br />
                  <NoticeStatus visitor={visitor} long />
                </>
              )}
            </dd>
            <dt>Mobile</dt>
            <dd>{visitor.mobile}</dd>
            <dt>Arrived</dt>
            <dd>{visitor.entry_time}</dd>
            <dt>Left</dt>
            <dd>
              {visitor.exit_time === null
                ? 'Still on site'
                : visitor.exit_kind === 'auto'
                  ? `${visitor.exit_time} — signed out automatically`
                  : visitor.exit_time}
            </dd>
            {visitor.agreement && (
              <>
                <dt>Agreement</dt>
                <dd>
                  {visitor.agreement.title}, version {visitor.agreement.version}, signed{' '}
                  {shortTime(visitor.agreement.time)} <SignedCopyButton visitor={visitor} />
                </dd>
              </>
            )}
          </dl>
        </div>
        <div className="dialog-actions">
          <button
            type="button"
            onClick={() => onMove(-1)}
            disabled={!position || position.index === 0}
            aria-label="Previous visitor"
          >
            ←
          </button>
          {position && (
            <span className="position">
              {position.index + 1} of {position.total}
            </span>
          )}
          <button
            type="button"
            onClick={() => onMove(1)}
            disabled={!position || position.index >= position.total - 1}
            aria-label="Next visitor"
          >
            →
          </button>
          <span className="spacer" />
          {visitor.site_id && (
            <span className="hint">
              At <SiteTag siteId={visitor.site_id} />: badges, corrections and exits are made at its desks.
            </span>
          )}
          {here && !visitor.erased && <PrintBadgeButton visitor={visitor} />}
          {correctable && (
            <button type="button" onClick={() => setDialog('edit')}>
              Edit…
            </button>
          )}
          {isAdmin && here && (
            <button type="button" onClick={() => setDialog('views')}>
              Who has seen this photo
            </button>
          )}
          {isAdmin && here && !visitor.erased && (
            <button type="button" className="danger" onClick={() => setDialog('erase')}>
              Erase…
            </button>
          )}
          {here && visitor.exit_time === null && (
            <button type="button" className="primary danger" onClick={() => onExit(visitor)}>
              Record exit
            </button>
          )}
          <button type="button" onClick={onClose} autoFocus>
            Close
          </button>
        </div>
      </Dialog>
      {dialog === 'views' && <PhotoViewsDialog visitor={visitor} onClose={() => setDialog(null)} />}
      {dialog === 'erase' && <EraseDialog visitor={visitor} onClose={() => setDialog(null)} />}
      {dialog === 'edit' && <EditVisitorDialog visitor={visitor} onClose={() => setDialog(null)} />}
    </>
  );
}
