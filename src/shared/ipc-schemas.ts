import { z } from 'zod';

/** What main checks every IPC argument with, and the renderer its stored session. */
export const storedSessionSchema = z.object({
  token: z.string().min(20).max(200),
  /** UNIX seconds, as /v1/oauth/ answers. */
  expiry: z.number().int().positive(),
  username: z.string().min(1).max(64),
});
export type StoredSession = z.infer<typeof storedSessionSchema>;

export const quitCredentialsSchema = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});
export type QuitCredentials = z.infer<typeof quitCredentialsSchema>;

export const DENSITIES = ['comfortable', 'compact', 'list'] as const;

/**
 * This desk's own choices (not an account's): kept by main beside the window state, since
 * the window's storage lives in memory only (see DESK_PARTITION). Unknown or bad values
 * are dropped, never an error: a preference can always fall back to its default.
 */
export const deskPrefsSchema = z.object({
  density: z.enum(DENSITIES).optional().catch(undefined),
  /** Print a badge at every check-in. */
  autoPrintBadge: z.boolean().optional().catch(undefined),
  /** The label printer badges go to without a dialog (Electron); absent: the print dialog. */
  badgePrinter: z.string().min(1).max(200).optional().catch(undefined),
});
export type DeskPrefs = z.infer<typeof deskPrefsSchema>;

export const printBadgeSchema = z.object({ size: z.enum(['62x100', '54x101', 'a6']) });
export type PrintBadge = z.infer<typeof printBadgeSchema>;

export interface PrinterInfo {
  name: string;
  displayName: string;
  description: string;
}
