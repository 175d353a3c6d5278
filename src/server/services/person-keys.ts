/**
 * The forms a check-in is compared with the watchlist by (API contract Part 5): a name
 * without letter case, accents or extra spaces, and a mobile number's digits. Both sides are
 * made the same way, so "  José   GARCÍA " matches "jose garcia". What this cannot catch is
 * said in the README (Watchlist): another spelling, a nickname, the names in another order,
 * another script, a number written with a country code on one side only.
 */
export function nameKey(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLocaleLowerCase('en')
      // Letters and digits only: "O’Brien" (a phone's apostrophe) is "O'Brien" is "O Brien", a
      // full stop or a dash adds nothing, and fillers that show as blanks (U+3164, U+2800) are spaces.
      .replace(/\p{Default_Ignorable_Code_Point}/gu, ' ')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()
  );
}

/** A number's digits alone; null when it has none. */
export function mobileKey(mobile: string | null | undefined): string | null {
  const digits = (mobile ?? '').replace(/\D/g, '');
  return digits.length > 0 ? digits : null;
}

/** One person as the desk recognises them again: the forms of their name and mobile together. */
export const personKey = (name: string, mobile: string): string => `${nameKey(name)}|${mobileKey(mobile) ?? ''}`;
