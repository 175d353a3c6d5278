import { z } from 'zod';
import { EMAIL_ADDRESS, EMAIL_ADDRESS_MESSAGE, optionalText, PRINTABLE, requiredTextError } from './visitor-fields';

/** The watchlist (API contract Part 5): people who must not be let in without a word. */

export const WATCH_NAME_MAX = 100;
export const WATCH_REASON_MAX = 300;
export const WATCHLIST_NOTE_MAX = 300;

/** Required text that is more than spaces. */
const requiredText = (field: string, max: number) =>
  z
    .string({ error: requiredTextError(field) })
    .trim()
    .min(1, `${field} must not be empty or only spaces.`)
    .max(max, `${field} must be at most ${max} characters.`)
    .regex(PRINTABLE, `${field} must not contain control characters.`);

export const watchEntryFieldsSchema = z.object({
  name: requiredText('name', WATCH_NAME_MAX),
  mobile: optionalText('mobile', 40, {
    rule: /^\+?[\d\s\-().]{6,40}$/,
    message: 'mobile must be a phone number (digits, spaces, + - ( ) .).',
  }),
  email: optionalText('email', 254, { rule: EMAIL_ADDRESS, message: EMAIL_ADDRESS_MESSAGE }),
  reason: requiredText('reason', WATCH_REASON_MAX),
});
export type WatchEntryFields = z.output<typeof watchEntryFieldsSchema>;
export const watchEntryPatchSchema = watchEntryFieldsSchema.partial();
export type WatchEntryPatch = z.output<typeof watchEntryPatchSchema>;

export const watchEntrySchema = z
  .object({
    entry_id: z.number().int(),
    name: z.string(),
    mobile: z.string().nullable(),
    email: z.string().nullable(),
    reason: z.string(),
    time: z.string().describe('When the entry was made, local time.'),
  })
  .meta({ id: 'WatchlistEntry' });
export type WatchEntry = z.infer<typeof watchEntrySchema>;

export const watchEntryResponseSchema = z.object({ success: z.literal(true), data: watchEntrySchema });
export const watchListResponseSchema = z.object({ success: z.literal(true), data: z.array(watchEntrySchema) });
export type WatchEntryResponse = z.infer<typeof watchEntryResponseSchema>;
export type WatchListResponse = z.infer<typeof watchListResponseSchema>;

export const watchlistNoteSchema = requiredText('watchlist_note', WATCHLIST_NOTE_MAX);
