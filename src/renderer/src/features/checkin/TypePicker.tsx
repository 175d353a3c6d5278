import type { VisitorType } from '../../../../shared/visitor-types';

/** The visitor types check-in offers (the active ones), each in its colour. */
export function TypePicker({
  types,
  value,
  onChange,
}: {
  types: VisitorType[];
  value: number;
  onChange: (typeId: number) => void;
}) {
  return (
    <fieldset className="type-picker">
      <legend>Visitor type</legend>
      {types
        .filter((type) => type.active || type.type_id === value)
        .map((type) => (
          <label
            key={type.type_id}
            className="type-choice"
            style={{ '--type-color': type.color } as React.CSSProperties}
          >
            <input
              type="radio"
              name="type_id"
              value={type.type_id}
              checked={type.type_id === value}
              onChange={() => onChange(type.type_id)}
            />
            <span className="type-swatch" aria-hidden="true" />
            {type.name}
          </label>
        ))}
    </fieldset>
  );
}
