import type { Visitor } from '../../../../shared/api-types';
import { BADGE_PAGES, type BadgeSize } from '../../../../shared/settings';
import { PrintOnly } from '../../lib/print';
import { Thumbnail } from '../log/Thumbnail';
import { inkOn } from '../../lib/ink';
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../app/session';
import { visitorTypesQuery } from '../../queries/checkin-flows';

const VALID_ON = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });

/** "Valid on 28 Nov 2026", from the day of the visit. */
export function validOn(entryTime: string): string {
  const [y, m, d] = entryTime.slice(0, 10).split('-').map(Number) as [number, number, number];
  return `Valid on ${VALID_ON.format(new Date(y, m - 1, d))}`;
}

/** Long names print smaller (and at most two lines), so they stay whole. */
function nameLength(name: string): string {
  return name.length > 36 ? 'very-long' : name.length > 22 ? 'long' : '';
}

/**
 * The badge as printed: the page is the label (`@page` of exactly its size, no margin),
 * one badge a page, laid out in millimetres for the size the site set. The face is the
 * thumbnail: a badge never asks for the full photo. The band is the visitor's type, in its
 * colour, and the type's note for the badge is printed under the host.
 */
export function BadgePrint({ visitor, size }: { visitor: Visitor; size: BadgeSize }) {
  const page = BADGE_PAGES[size];
  const { token } = useSession();
  const types = useQuery(visitorTypesQuery(token));
  const note = types.data?.find((type) => type.type_id === visitor.type_id)?.badge_note;
  return (
    <PrintOnly page={`size: ${page.width}mm ${page.height}mm; margin: 0`}>
      <article className={`badge badge-${size}`} style={{ width: `${page.width}mm`, height: `${page.height}mm` }}>
        <header className="badge-band" style={{ background: visitor.type_color, color: inkOn(visitor.type_color) }}>
          {visitor.type_name.toLocaleUpperCase()}
        </header>
        <Thumbnail visitor={visitor} className="badge-photo" eager />
        <p className={`badge-name ${nameLength(visitor.name)}`}>{visitor.name}</p>
        <p className="badge-host">{visitor.visitee_name ? `Visiting ${visitor.visitee_name}` : 'Visitor'}</p>
        {note && <p className="badge-note">{note}</p>}
        <p className="badge-card">Card #{visitor.card_no}</p>
        <p className="badge-valid">{validOn(visitor.entry_time)}</p>
      </article>
    </PrintOnly>
  );
}
