/** The card field as a newer suggestion finds it. */
export interface CardField {
  value: string;
  /** The receptionist is in the field. */
  focused: boolean;
  /** All of its text is selected (as a field tabbed into is), so typing would replace it anyway. */
  wholeSelected: boolean;
}

/**
 * Whether a newer suggested card may take the field's place: into an empty field, or over
 * the card suggested before it, unless the receptionist is editing that one (in the field
 * with the caret placed). Never over a card they typed.
 */
export function mayReplaceCard(field: CardField, suggestedBefore: string): boolean {
  if (field.value === '') return true;
  return field.value === suggestedBefore && (!field.focused || field.wholeSelected);
}
