export interface Box {
  width: number;
  height: number;
}

/** The largest size with the photo's aspect ratio that fits in the box: the whole photo, letterboxed. */
export function containedSize(photo: Box, box: Box): Box {
  if (photo.width <= 0 || photo.height <= 0 || box.width <= 0 || box.height <= 0) return { width: 0, height: 0 };
  const scale = Math.min(box.width / photo.width, box.height / photo.height);
  return { width: Math.round(photo.width * scale), height: Math.round(photo.height * scale) };
}

export const ZOOM_STEPS = [1, 1.5, 2, 3, 4] as const;

export function nextZoom(current: number, direction: 1 | -1): number {
  const index = ZOOM_STEPS.findIndex((step) => step >= current);
  const at = index === -1 ? ZOOM_STEPS.length - 1 : index;
  return ZOOM_STEPS[Math.min(Math.max(at + direction, 0), ZOOM_STEPS.length - 1)]!;
}

/** How far a zoomed photo may be dragged: no further than its own edge reaching the box's. */
export function clampPan(pan: { x: number; y: number }, shown: Box, box: Box, zoom: number): { x: number; y: number } {
  const maxX = Math.max(0, (shown.width * zoom - box.width) / 2);
  const maxY = Math.max(0, (shown.height * zoom - box.height) / 2);
  return { x: Math.min(Math.max(pan.x, -maxX), maxX), y: Math.min(Math.max(pan.y, -maxY), maxY) };
}
