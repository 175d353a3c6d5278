import type { Ref } from 'react';

/**
 * A list's search field, with the desk's keyboard habits: `/` focuses it (Desk.tsx), Escape
 * clears what was typed (and, empty, leaves the field alone for the dialog or view around it).
 */
export function SearchBox({
  inputRef,
  label,
  placeholder,
  value,
  onChange,
}: {
  inputRef: Ref<HTMLInputElement>;
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <input
      ref={inputRef}
      type="search"
      aria-label={label}
      aria-keyshortcuts="/"
      placeholder={`${placeholder}  ( / )`}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && value) {
          event.preventDefault();
          onChange('');
        }
      }}
    />
  );
}
