import type { Visitor } from '../../../../shared/api-types';
import { inkOn } from '../../lib/ink';

/** A visitor's type as the grid, the viewer and History show it: its name on its colour. */
export function TypeChip({ visitor }: { visitor: Pick<Visitor, 'type_name' | 'type_color'> }) {
  return (
    <span
      className="type-chip"
      style={{ '--type-color': visitor.type_color, color: inkOn(visitor.type_color) } as React.CSSProperties}
    >
      {visitor.type_name}
    </span>
  );
}
