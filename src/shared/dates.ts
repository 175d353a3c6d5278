import { z } from 'zod';

/**
 * Calendar days as the contract writes them: local `YYYY-MM-DD`, no time zone. The
 * server and the renderer run on the same kiosk, so "today" is the same day on both.
 */

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The local midnight that starts a day, or null when the text is not a real day (2026-02-30). */
export function parseLocalDate(text: string): Date | null {
  const match = DATE_SHAPE.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day);
  const real = date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day;
  return real && year >= 1970 ? date : null;
}

/** A day field: the message names the field, as every 2400 must. */
export function localDateSchema(field: string) {
  return z
    .string()
    .refine((text) => parseLocalDate(text) !== null, `${field} must be a real date written YYYY-MM-DD.`)
    .describe('A local calendar day, YYYY-MM-DD.');
}

export function formatLocalDate(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The day `days` after (or before) the given one, counted in calendar days, not 24-hour steps. */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);
}

/** From the start of `from` to the start of the day after `to`: the epoch-millisecond range of whole local days. */
export function dayRange(from: string | undefined, to: string | undefined): { start: number; end: number } {
  const start = from ? parseLocalDate(from)!.getTime() : 0;
  const end = to ? addDays(parseLocalDate(to)!, 1).getTime() : Number.MAX_SAFE_INTEGER;
  return { start, end };
}

/** A time of day, "HH:MM" from 00:00 to 23:59, two digits each: "24:00" and "7:5" are refused. */
export const TIME_OF_DAY = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

/** "Monday 7 December": a day as a person says it, for confirmations. */
export function spokenDay(text: string, today: string): string {
  const date = parseLocalDate(text);
  if (!date) return text;
  const named = date.toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
  if (text === today) return `today, ${named}`;
  if (text === formatLocalDate(addDays(parseLocalDate(today)!, 1))) return `tomorrow, ${named}`;
  return named;
}
