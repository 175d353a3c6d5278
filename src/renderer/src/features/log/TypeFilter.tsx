import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../app/session';
import { visitorTypesQuery } from '../../queries/checkin-flows';

/** History by visitor type: every type there is, retired ones too (their visitors are in the log). */
export function TypeFilter({
  value,
  onChange,
}: {
  value: number | undefined;
  onChange: (typeId: number | undefined) => void;
}) {
  const { token } = useSession();
  const types = useQuery(visitorTypesQuery(token));
  return (
    <label className="type-filter">
      <span className="visually-hidden">Visitor type</span>
      <select
        value={value ?? ''}
        onChange={(event) => onChange(event.target.value ? Number(event.target.value) : undefined)}
      >
        <option value="">All types</option>
        {(types.data ?? []).map((type) => (
          <option key={type.type_id} value={type.type_id}>
            {type.name}
            {type.active ? '' : ' (retired)'}
          </option>
        ))}
      </select>
    </label>
  );
}
