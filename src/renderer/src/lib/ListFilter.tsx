/**
 * One of a list's filters as a select: "all" first, then each choice by its key. The key is
 * the option's value as the DOM holds it (a string); the caller turns it back into its own.
 */
export function ListFilter({
  label,
  all,
  choices,
  value,
  onChange,
}: {
  /** Its accessible name (the select shows the choice, not the label). */
  label: string;
  all: string;
  choices: { key: string; name: string }[];
  value: string | undefined;
  onChange: (key: string | undefined) => void;
}) {
  return (
    <label>
      <span className="visually-hidden">{label}</span>
      <select value={value ?? ''} onChange={(event) => onChange(event.target.value || undefined)}>
        <option value="">{all}</option>
        {choices.map((choice) => (
          <option key={choice.key} value={choice.key}>
            {choice.name}
          </option>
        ))}
      </select>
    </label>
  );
}
