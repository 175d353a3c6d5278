/** A text field of a submitted form; a file or a missing field reads as "". */
export function textField(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}
