/**
 * The first moment at local wall-clock `HH:MM` after an entry: the day of the entry if
 * it came before that time, else the next day. Built from calendar fields, so a day of
 * 23 or 25 hours (daylight saving) still signs out at the time on the clock.
 */
export function signOutMomentAfter(entryMs: number, time: string): number {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  const entry = new Date(entryMs);
  const sameDay = new Date(entry.getFullYear(), entry.getMonth(), entry.getDate(), hours, minutes);
  if (sameDay.getTime() > entryMs) return sameDay.getTime();
  // The night the clocks go back, a time in the repeated hour happens twice; Date picks the
  // first. Someone who came in between the two is signed out at the second.
  const repeated = new Date(sameDay.getTime() + 60 * 60 * 1000);
  if (repeated.getTime() > entryMs && repeated.getHours() === hours && repeated.getMinutes() === minutes) {
    return repeated.getTime();
  }
  return new Date(entry.getFullYear(), entry.getMonth(), entry.getDate() + 1, hours, minutes).getTime();
}

/**
 * The latest sign-out moment at or before `now`, or null if none falls in the last day
 * and a bit: anyone due has entered before it, which keeps the check that runs every 30 s
 * to the visitors it concerns.
 */
export function latestSignOutMomentBy(now: number, time: string): number | null {
  let moment = signOutMomentAfter(now - 26 * 60 * 60 * 1000, time);
  if (moment > now) return null;
  for (let next = signOutMomentAfter(moment, time); next <= now; next = signOutMomentAfter(next, time)) moment = next;
  return moment;
}

/** How often the running server looks for visitors due to be signed out (the contract: at least once a minute). */
export const AUTO_SIGNOUT_CHECK_MS = 30_000;
