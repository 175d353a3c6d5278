import type { WebContentsPrintOptions } from 'electron';
import { BADGE_PAGES, type BadgeSize } from '../shared/settings';

/**
 * The options of a silent badge print, as a plain function (tested without Electron).
 * Electron's printing has known quirks with label printers, each handled here:
 * - a silent print without `pageSize` goes out on A4 (electron#39670), and versions before
 *   the fix of electron#50808 dropped `pageSize` for a printer default: the size is always
 *   given, in microns, and `usePrinterDefaultPageSize` is off; the page's own CSS @page
 *   says the same size, so either path gives the label;
 * - label drivers report wide labels inconsistently (Brother QL: width > height without
 *   landscape): the page is always given portrait, width < height, and never `landscape`;
 * - margins are `none`: a default margin on a 62 mm label cuts the badge or shrinks it;
 * - DYMO LabelWriters have printed half-blank labels silently (electron#36067): a desk can
 *   switch silent printing off and use the print dialog instead.
 */
export function badgePrintOptions(size: BadgeSize, deviceName: string | undefined): WebContentsPrintOptions {
  const page = BADGE_PAGES[size];
  return {
    silent: deviceName !== undefined,
    ...(deviceName ? { deviceName } : {}),
    printBackground: true,
    color: true,
    landscape: false,
    margins: { marginType: 'none' },
    pageSize: { width: page.width * 1000, height: page.height * 1000 },
    usePrinterDefaultPageSize: false,
    copies: 1,
  };
}

/** A print that did not happen, in words for the screen. */
export class PrintError extends Error {}

/** Electron's failure reasons as people read them. */
export function printFailure(reason: string): string {
  if (reason === 'cancelled') return 'Printing was cancelled.';
  if (reason === 'Print job canceled') return 'Printing was cancelled.';
  if (reason === 'Invalid deviceName provided') return 'The chosen printer is not available.';
  return `The badge could not be printed (${reason || 'the printer did not answer'}).`;
}
