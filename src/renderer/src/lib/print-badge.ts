import type { BadgeSize } from '../../../shared/settings';
import { apiJson } from './api';
import { callMain, hasBridge } from './bridge';
import { printNow } from './print-now';

/**
 * Prints the badge now mounted (BadgePrint): in Electron on the desk's label printer (or
 * with the print dialog if none is chosen), in a browser with the browser's dialog. Every
 * print is recorded on the audit trail. A failed print throws in words for the screen.
 */
export async function printBadge(
  visitor: { visitor_id: string; has_photo: boolean },
  size: BadgeSize,
  token: string,
): Promise<void> {
  // A badge printed the moment a visitor is checked in must not carry the blur that
  // stands in while the thumbnail loads.
  if (visitor.has_photo) await faceLoaded();
  if (hasBridge()) await callMain('print:badge', { size });
  else await printNow();
  await apiJson(`/v1/badges/${visitor.visitor_id}`, { method: 'POST', token });
}

/** The active print root's thumbnail, decoded; at most a few seconds (a missing face prints initials). */
async function faceLoaded(): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const face = document.querySelector<HTMLImageElement>('.print-root[data-active] img.thumb');
    if (face) {
      await face.decode().catch(() => undefined);
      return;
    }
    if (Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
