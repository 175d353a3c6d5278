import type { Evacuation } from '../../../../shared/evacuation';
import { PrintOnly } from '../../lib/print';
import { Thumbnail } from '../log/Thumbnail';
import { RollDesks } from './RollDesks';

/**
 * The roll on paper, to take to the assembly point: A4 (or Letter, the printer's choice of
 * paper within the same margins), a compact table with a small thumbnail, name, card, host
 * and a box to tick, the time of the alarm on every page and page numbers.
 */
export function RollPrint({ evacuation }: { evacuation: Evacuation }) {
  const accounted = evacuation.people.filter((p) => p.accounted_time).length;
  const title = `${evacuation.kind === 'real' ? 'EVACUATION' : 'Evacuation drill'} — alarm ${evacuation.started_time}`;
  return (
    <PrintOnly
      page={`size: A4; margin: 14mm 12mm 16mm; @bottom-left { content: "${title.replace(/"/g, '')}"; font-size: 8pt; } @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; }`}
    >
      <div className="roll-print">
        <h1>{title}</h1>
        <p>
          {evacuation.people.length} people on the premises at the alarm · {accounted} accounted for when printed
          {evacuation.closed_time ? ` · closed ${evacuation.closed_time}` : ''}
        </p>
        <RollDesks desks={evacuation.desks} />
        <table>
          <thead>
            <tr>
              <th aria-label="Photo" />
              <th>Name</th>
              <th>Card</th>
              <th>Mobile</th>
              <th>Visiting</th>
              <th>Safe</th>
            </tr>
          </thead>
          <tbody>
            {evacuation.people.map((person) => (
              <tr key={person.visitor_id}>
                <td>
                  <Thumbnail visitor={person} className="print-thumb" eager />
                </td>
                <td>{person.name}</td>
                <td>#{person.card_no}</td>
                <td>{person.mobile}</td>
                <td>{person.visitee_name ?? ''}</td>
                <td className="tick">{person.accounted_time ? `☑ ${person.accounted_time.slice(11, 16)}` : '☐'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </PrintOnly>
  );
}
