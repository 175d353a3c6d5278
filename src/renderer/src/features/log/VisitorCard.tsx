import type { CSSProperties } from 'react';
import type { Visitor } from '../../../../shared/api-types';
import { shortTime } from '../../lib/format';
import { NoticeStatus } from '../notify/NoticeStatus';
import { Thumbnail } from './Thumbnail';
import { TypeChip } from './TypeChip';
import { SiteTag } from '../company/SiteTag';

interface Props {
  visitor: Visitor;
  /** Place in the list, for keyboard movement; the card's identity is the visitor's ID. */
  index: number;
  showExitTime: boolean;
  /** Another visitor on the premises holds the same card (handed out at two desks apart). */
  cardShared: boolean;
  setSize: number;
  style: CSSProperties;
  onOpen: () => void;
  onExit: () => void;
}

export function VisitorCard({ visitor, index, showExitTime, cardShared, setSize, style, onOpen, onExit }: Props) {
  const onPremises = visitor.exit_time === null;
  return (
    <li
      className="card"
      style={{ ...style, '--type-color': visitor.type_color } as CSSProperties}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      data-visitor-id={visitor.visitor_id}
      data-index={index}
    >
      <button type="button" className="card-open" onClick={onOpen}>
        <Thumbnail visitor={visitor} />
        <span className="card-text">
          <span className="name">{visitor.name}</span>
          <span className="detail">
            <TypeChip visitor={visitor} /> <span className="card-no">#{visitor.card_no}</span>
            {cardShared && (
              <span
                className="card-shared"
                title="Two visitors on the premises hold this card: desks apart gave it twice"
              >
                in use twice
              </span>
            )}{' '}
            · {visitor.purpose}
          </span>
          <span className="detail">
            {visitor.site_id ? (
              <>
                <SiteTag siteId={visitor.site_id} />{' '}
              </>
            ) : null}
            {visitor.visitee_name ? `Visiting ${visitor.visitee_name}` : 'No host given'}
          </span>
          <span className="times">
            In {shortTime(visitor.entry_time)}
            {showExitTime &&
              (onPremises ? (
                <span className="on-site-badge">on site</span>
              ) : visitor.exit_kind === 'auto' ? (
                <span className="auto-exit" title="Nobody recorded this exit: the automatic sign-out did">
                  {' '}
                  · Signed out automatically at {shortTime(visitor.exit_time!)}
                </span>
              ) : (
                ` · Out ${shortTime(visitor.exit_time!)}`
              ))}
            <NoticeStatus visitor={visitor} />
          </span>
        </span>
      </button>
      {/* A site's visitor is signed out at that site's desks: head office sees, the site acts. */}
      {onPremises && !visitor.site_id && (
        <button type="button" className="card-exit" onClick={onExit} aria-label={`Record exit of ${visitor.name}`}>
          Exit
        </button>
      )}
    </li>
  );
}
