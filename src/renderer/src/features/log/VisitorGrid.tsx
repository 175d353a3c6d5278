import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef, type ReactNode } from 'react';
import type { Visitor } from '../../../../shared/api-types';
import type { Density } from './density';
import { sharedCards } from './shared-cards';
import { VisitorCard } from './VisitorCard';
import { GRID_GAP, useGridLayout } from './useGridLayout';

interface Props {
  visitors: Visitor[];
  density: Density;
  showExitTime: boolean;
  /** What an empty list says: a sentence, or a whole panel (the empty desk's first steps). */
  empty: ReactNode;
  onOpen: (visitor: Visitor) => void;
  onExit: (visitor: Visitor) => void;
  hasMore: boolean;
  loadMore: () => void;
  /** Pages above were let go (a long scroll down): scrolling back up reads them again. */
  hasPrevious: boolean;
  loadPrevious: () => void;
}

/**
 * A virtualized grid: only the rows in view, plus one above and one below, exist in the
 * DOM, so 10,000 visitors cost what a screenful costs, and only those cards ask for
 * their thumbnails.
 */
export function VisitorGrid({
  visitors,
  density,
  showExitTime,
  empty,
  onOpen,
  onExit,
  hasMore,
  loadMore,
  hasPrevious,
  loadPrevious,
}: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const layout = useGridLayout(scrollRef, density);
  const rowCount = Math.ceil(visitors.length / layout.columns);
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => layout.rowHeight,
    overscan: 1,
  });
  const rows = virtualizer.getVirtualItems();
  const lastRow = rows.at(-1)?.index ?? -1;

  useEffect(() => {
    virtualizer.measure();
  }, [layout.rowHeight, virtualizer]);

  useEffect(() => {
    if (hasMore && lastRow >= rowCount - 3) loadMore();
  }, [hasMore, lastRow, rowCount, loadMore]);

  const firstRow = rows[0]?.index ?? 0;
  useEffect(() => {
    if (hasPrevious && firstRow <= 2) loadPrevious();
  }, [hasPrevious, firstRow, loadPrevious]);

  /**
   * What the desk looks at stays in place when the list changes above it (pages read back
   * in at the top, or let go of there): the first visible visitor is the anchor. At the very
   * top nothing is anchored, so a new arrival shows.
   */
  const anchor = useRef<{ id: string; offset: number } | null>(null);
  const rememberAnchor = (): void => {
    const element = scrollRef.current;
    if (!element || element.scrollTop <= 0) {
      anchor.current = null;
      return;
    }
    const row = Math.floor(element.scrollTop / layout.rowHeight);
    const visitor = visitors[row * layout.columns];
    anchor.current = visitor ? { id: visitor.visitor_id, offset: element.scrollTop - row * layout.rowHeight } : null;
  };
  useLayoutEffect(() => {
    const element = scrollRef.current;
    const held = anchor.current;
    if (!element || !held) return;
    const index = visitors.findIndex((visitor) => visitor.visitor_id === held.id);
    if (index < 0) return;
    const target = Math.floor(index / layout.columns) * layout.rowHeight + held.offset;
    if (Math.abs(element.scrollTop - target) > 1) element.scrollTop = target;
  }, [visitors, layout.columns, layout.rowHeight]);

  /**
   * Arrow keys move between cards (Home and End to the ends), scrolling the card into
   * view first: in a virtualized grid the card to focus may not exist yet.
   */
  function moveFocus(event: React.KeyboardEvent<HTMLUListElement>): void {
    const from = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!from || !(event.target as HTMLElement).classList.contains('card-open')) return;
    const index = Number(from.dataset.index);
    const steps: Record<string, number> = {
      ArrowLeft: -1,
      ArrowRight: 1,
      ArrowUp: -layout.columns,
      ArrowDown: layout.columns,
      Home: -index,
      End: visitors.length - 1 - index,
    };
    const step = steps[event.key];
    if (step === undefined) return;
    event.preventDefault();
    const target = Math.min(Math.max(index + step, 0), visitors.length - 1);
    virtualizer.scrollToIndex(Math.floor(target / layout.columns));
    const focus = (tries: number): void => {
      const card = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${target}"] .card-open`);
      if (card) card.focus();
      else if (tries > 0) requestAnimationFrame(() => focus(tries - 1));
    };
    focus(10);
  }

  const shared = useMemo(() => sharedCards(visitors), [visitors]);

  return (
    <div className="grid-scroll" ref={scrollRef} tabIndex={-1} onScroll={rememberAnchor}>
      {visitors.length === 0 ? (
        typeof empty === 'string' ? (
          <p className="empty">{empty}</p>
        ) : (
          empty
        )
      ) : (
        <ul
          className={`grid density-${density}`}
          onKeyDown={moveFocus}
          aria-label={`${visitors.length} visitors`}
          style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
        >
          {rows.flatMap((row) =>
            visitors.slice(row.index * layout.columns, (row.index + 1) * layout.columns).map((visitor, column) => {
              const index = row.index * layout.columns + column;
              return (
                <VisitorCard
                  key={visitor.visitor_id}
                  visitor={visitor}
                  index={index}
                  showExitTime={showExitTime}
                  cardShared={shared.has(visitor.card_no) && visitor.exit_time === null}
                  setSize={visitors.length}
                  style={{
                    position: 'absolute',
                    top: row.start + GRID_GAP,
                    left: GRID_GAP + column * (layout.cardWidth + GRID_GAP),
                    width: layout.cardWidth,
                    height: layout.rowHeight - GRID_GAP,
                  }}
                  onOpen={() => onOpen(visitor)}
                  onExit={() => onExit(visitor)}
                />
              );
            }),
          )}
        </ul>
      )}
    </div>
  );
}
