import type { BadgeSize } from '../../../shared/settings';
import { apiJson } from './api';
import { callMain, hasBridge } from './bridge';
import { printNow } from './print-now';

/**
 * Prints the badge now mounted (BadgePrint): in Electron on the desk's label printer (or
 * with the print dialog if none is chosen), in a browser with the browser's dialog. Every
 * print is recorded on the audit trail. A failed print throws in words for the screen.
 */
export async function printBadge(visitorId: string, size: BadgeSize, token: string): Promise<void> {
  if (hasBridge()) await callMain('print:badge', { size });
  else await printNow();
  await apiJson(`/v1/badges/${visitorId}`, { method: 'POST', token });
}
