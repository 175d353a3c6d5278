import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../app/session';
import { ListFilter } from '../../lib/ListFilter';
import { visitorTypesQuery } from '../../queries/checkin-flows';

/** History by visitor type: every type there is, retired ones too (their visitors are in the log). */
export function TypeFilter(props: { value: number | undefined; onChange: (typeId: number | undefined) => void }) {
  const { token } = useSession();
  const types = useQuery(visitorTypesQuery(token));
  return (
    <ListFilter
      label="Visitor type"
      all="All types"
      choices={(types.data ?? []).map((type) => ({
        key: String(type.type_id),
        name: type.active ? type.name : `${type.name} (retired)`,
      }))}
      value={props.value === undefined ? undefined : String(props.value)}
      onChange={(key) => props.onChange(key === undefined ? undefined : Number(key))}
    />
  );
}
