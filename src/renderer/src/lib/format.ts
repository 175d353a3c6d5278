/**
 * One formatter for the whole app: `toLocaleString` with options builds a new
 * Intl.DateTimeFormat on every call, which a profile of the first screen showed costing
 * more than rendering the grid itself.
 */
const MONTH = new Intl.DateTimeFormat(undefined, { month: 'short' });

/** "2026-11-27 09:05:00" → "09:05" today, "27 Nov 09:05" otherwise: what a busy desk scans for. */
export function shortTime(wallClock: string, today = new Date()): string {
  const [date = '', time = ''] = wallClock.split(' ');
  const hm = time.slice(0, 5);
  const [y, m, d] = date.split('-').map(Number);
  if (y === today.getFullYear() && m === today.getMonth() + 1 && d === today.getDate()) return hm;
  const month = MONTH.format(new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1));
  const year = y === today.getFullYear() ? '' : ` ${y}`;
  return `${d} ${month}${year} ${hm}`;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/u).filter(Boolean);
  const first = parts[0]?.[0] ?? '?';
  const last = parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '';
  return (first + last).toLocaleUpperCase();
}

/** "2026-11-27 09:05:00", a time the server gave in local wall-clock time, as milliseconds. */
export function wallClockMs(wallClock: string): number {
  const [y = 1970, m = 1, d = 1, h = 0, mi = 0, s = 0] = wallClock.split(/[- :]/).map(Number);
  return new Date(y, m - 1, d, h, mi, s).getTime();
}
