import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { Visitor } from '../../../../shared/api-types';
import { VisitorCard } from './VisitorCard';
import { GRID_GAP, useGridLayout } from './useGridLayout';

interface Props {
  visitors: Visitor[];
  showExitTime: boolean;
  emptyText: string;
  onOpen: (index: number) => void;
  onExit: (visitor: Visitor) => void;
  hasMore: boolean;
  loadMore: () => void;
}

/**
 * A virtualized grid: only the rows in view, plus one above and one below, exist in the
 * DOM, so 10,000 visitors cost what a screenful costs, and only those cards ask for
 * their thumbnails.
 */
export function VisitorGrid({ visitors, showExitTime, emptyText, onOpen, onExit, hasMore, loadMore }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const layout = useGridLayout(scrollRef);
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

  return (
    <div className="grid-scroll" ref={scrollRef} tabIndex={-1}>
      {visitors.length === 0 ? (
        <p className="empty">{emptyText}</p>
      ) : (
        <ul
          className="grid"
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
                  showExitTime={showExitTime}
                  position={index + 1}
                  setSize={visitors.length}
                  style={{
                    position: 'absolute',
                    top: row.start + GRID_GAP,
                    left: GRID_GAP + column * (layout.cardWidth + GRID_GAP),
                    width: layout.cardWidth,
                    height: layout.rowHeight - GRID_GAP,
                  }}
                  onOpen={() => onOpen(index)}
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
