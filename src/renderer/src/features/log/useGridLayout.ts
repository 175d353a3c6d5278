import { useLayoutEffect, useState, type RefObject } from 'react';

export interface GridLayout {
  columns: number;
  cardWidth: number;
  rowHeight: number;
}

const MIN_CARD = 200;
const GAP = 16;
/** The card's text block under the 4:5 photo: name, details and times. */
const TEXT_HEIGHT = 112;

/** Columns follow the width of the log: as many cards of at least 200 px as fit. */
export function useGridLayout(ref: RefObject<HTMLElement | null>): GridLayout {
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
  const inner = Math.max(width - GAP * 2, MIN_CARD);
  const columns = Math.max(1, Math.floor((inner + GAP) / (MIN_CARD + GAP)));
  const cardWidth = Math.floor((inner - GAP * (columns - 1)) / columns);
  return { columns, cardWidth, rowHeight: Math.round(cardWidth * 1.25) + TEXT_HEIGHT + GAP };
}

export const GRID_GAP = GAP;
