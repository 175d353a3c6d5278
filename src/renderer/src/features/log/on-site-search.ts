import type { Visitor } from '../../../../shared/api-types';

const words = (text: string): string[] =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLocaleLowerCase()
    .split(/[^\p{L}\p{N}+]+/u)
    .filter(Boolean);

/**
 * Whether a visitor on the premises matches what was typed: every word typed begins a word
 * of their name, card number, host or purpose (accents and case aside), as History's search
 * matches word beginnings, or the digits typed are part of their mobile. Done on the desk:
 * everyone on site is already held.
 */
export function matchesOnSiteSearch(visitor: Visitor, typed: string): boolean {
  const wanted = words(typed);
  if (wanted.length === 0) return true;
  const mobile = visitor.mobile.replace(/\D/g, '');
  // A number typed as people write one ("+44 7700 900123", "900123") is found anywhere in the
  // mobile, spaces and all; a short one is a card number or the start of a word.
  const digits = typed.replace(/[\s+\-().]/g, '');
  if (/^\d{4,}$/.test(digits) && mobile.includes(digits)) return true;
  const have = [...words(`${visitor.name} ${visitor.visitee_name ?? ''} ${visitor.purpose}`), String(visitor.card_no)];
  return wanted.every((word) => have.some((candidate) => candidate.startsWith(word)));
}
