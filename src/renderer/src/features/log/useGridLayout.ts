import { useLayoutEffect, useState, type RefObject } from 'react';
import type { Density } from './density';

export interface GridLayout {
  columns: number;
  cardWidth: number;
  rowHeight: number;
}

const GAP = 16;

/**
 * Per density: the narrowest a card may be, and the text block under its 4:5 photo
 * (name, details, times). A list row is one line with a small thumbnail.
 */
const CARD = {
  comfortable: { minWidth: 200, textHeight: 112 },
  compact: { minWidth: 132, textHeight: 64 },
} as const;
const LIST_ROW_HEIGHT = 72;

/** Columns follow the width of the log: as many cards of the density's minimum width as fit. */
export function useGridLayout(ref: RefObject<HTMLElement | null>, density: Density): GridLayout {
  const [width, setWidth] = useState(1024);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(entry.contentRect.width);
    });
    observer.observe(element);
    setWidth(element.clientWidth);
    return () => observer.disconnect();
  }, [ref]);
  const inner = Math.max(width - GAP * 2, CARD.compact.minWidth);
  if (density === 'list') return { columns: 1, cardWidth: inner, rowHeight: LIST_ROW_HEIGHT + GAP / 2 };
  const { minWidth, textHeight } = CARD[density];
  const columns = Math.max(1, Math.floor((inner + GAP) / (minWidth + GAP)));
  const cardWidth = Math.floor((inner - GAP * (columns - 1)) / columns);
  return { columns, cardWidth, rowHeight: Math.round(cardWidth * 1.25) + textHeight + GAP };
}

export const GRID_GAP = GAP;
