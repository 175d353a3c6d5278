import { addDays, formatLocalDate, parseLocalDate } from '../../../../shared/dates';

/** Which days the Expected view lists. */
export type ExpectedDays = { preset: 'today' | 'tomorrow' | 'week' } | { preset: 'day'; date: string };

/** The days as the API's from/to; "this week" is today and the six days after it. */
export function expectedRange(days: ExpectedDays, today: string): { from: string; to: string } {
  const start = parseLocalDate(today)!;
  switch (days.preset) {
    case 'today':
      return { from: today, to: today };
    case 'tomorrow': {
      const tomorrow = formatLocalDate(addDays(start, 1));
      return { from: tomorrow, to: tomorrow };
    }
    case 'week':
      return { from: today, to: formatLocalDate(addDays(start, 6)) };
    case 'day':
      return { from: days.date, to: days.date };
  }
}

/** The preset that shows a given day. */
export function daysShowing(date: string, today: string): ExpectedDays {
  if (date === today) return { preset: 'today' };
  if (date === formatLocalDate(addDays(parseLocalDate(today)!, 1))) return { preset: 'tomorrow' };
  return { preset: 'day', date };
}
