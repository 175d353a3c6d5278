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
 * of their name, card number, host, purpose or mobile (accents and case aside), as History's
 * search matches word beginnings. Done on the desk: everyone on site is already held.
 */
export function matchesOnSiteSearch(visitor: Visitor, typed: string): boolean {
  const wanted = words(typed);
  if (wanted.length === 0) return true;
  const mobile = visitor.mobile.replace(/\D/g, '');
  const have = [
    ...words(`${visitor.name} ${visitor.visitee_name ?? ''} ${visitor.purpose}`),
    String(visitor.card_no),
    mobile,
    mobile.slice(-9),
  ];
  return wanted.every((word) => {
    const digits = word.replace(/^\+/, '');
    return have.some((candidate) => candidate.startsWith(digits));
  });
}
