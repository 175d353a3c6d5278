import { describe, expect, it } from 'vitest';
import { mayReplaceCard } from '../../src/renderer/src/features/checkin/card-suggestion';

describe('a newer suggested card', () => {
  const away = { focused: false, wholeSelected: false };

  it('fills an empty field, in it or not', () => {
    expect(mayReplaceCard({ value: '', ...away }, '')).toBe(true);
    expect(mayReplaceCard({ value: '', focused: true, wholeSelected: true }, '10')).toBe(true);
  });

  it('replaces the card suggested before it while the receptionist is elsewhere or has all of it selected', () => {
    expect(mayReplaceCard({ value: '10', ...away }, '10')).toBe(true);
    expect(mayReplaceCard({ value: '10', focused: true, wholeSelected: true }, '10')).toBe(true);
  });

  it('leaves the card suggested before it while the receptionist edits it, caret placed', () => {
    expect(mayReplaceCard({ value: '10', focused: true, wholeSelected: false }, '10')).toBe(false);
  });

  it('never replaces a card the receptionist typed', () => {
    expect(mayReplaceCard({ value: '12', ...away }, '10')).toBe(false);
    expect(mayReplaceCard({ value: '1', focused: true, wholeSelected: true }, '10')).toBe(false);
  });
});
