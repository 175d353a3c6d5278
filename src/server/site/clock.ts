/**
 * The clock that orders changes across desks (API contract Part 3: "the latest change wins,
 * by a clock that does not go backwards when a desk's wall clock does"): a hybrid logical
 * clock. A reading is the wall time in milliseconds, a counter, and the desk that made it,
 * written so that readings compare as strings in the order they happened: never below the
 * last reading this desk made or heard of, the counter breaking ties within a millisecond,
 * the desk ID breaking ties between desks.
 */
const WALL_DIGITS = 15;
const COUNTER_DIGITS = 6;

export function nextReading(last: string, wallMs: number, deskId: string): string {
  const previous = parseReading(last);
  let wall = Math.max(Math.floor(wallMs), previous.wall);
  let counter = wall === previous.wall ? previous.counter + 1 : 0;
  // A million readings in one millisecond: the next millisecond, so the width never grows.
  if (counter >= 10 ** COUNTER_DIGITS) {
    wall += 1;
    counter = 0;
  }
  return `${String(wall).padStart(WALL_DIGITS, '0')}.${String(counter).padStart(COUNTER_DIGITS, '0')}.${deskId}`;
}

/** The later of two readings ('' is before every reading). */
export function laterReading(a: string, b: string): string {
  return a >= b ? a : b;
}

export function parseReading(reading: string): { wall: number; counter: number } {
  const match = /^(\d{15})\.(\d{6})\./.exec(reading);
  return match ? { wall: Number(match[1]), counter: Number(match[2]) } : { wall: 0, counter: -1 };
}

export function isReading(value: string): boolean {
  return /^\d{15}\.\d{6}\.[0-9a-f]{32}$/.test(value);
}
