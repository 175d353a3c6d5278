import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../app/session';
import { CloseActions, Dialog } from '../../lib/Dialog';
import { evacuationsQuery } from '../../queries/evacuations';

/** History → Evacuations: every roll call kept as its report, newest first. */
export function EvacuationList({ onOpen, onClose }: { onOpen: (evacuationId: number) => void; onClose: () => void }) {
  const { token } = useSession();
  const list = useQuery(evacuationsQuery(token));
  return (
    <Dialog title="Evacuations" onClose={onClose} className="views">
      {list.data?.length === 0 && <p className="notice">No evacuation or drill yet.</p>}
      <table className="admin-table" aria-label="Evacuations">
        <thead>
          <tr>
            <th scope="col">Alarm</th>
            <th scope="col">Kind</th>
            <th scope="col">Accounted</th>
            <th scope="col">Closed</th>
            <th scope="col">
              <span className="visually-hidden">Open</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((evacuation) => (
            <tr key={evacuation.evacuation_id}>
              <td>{evacuation.started_time}</td>
              <td>{evacuation.kind === 'real' ? 'Real' : 'Drill'}</td>
              <td>
                {evacuation.accounted_count} of {evacuation.people_count}
              </td>
              <td>{evacuation.closed_time ?? 'Open'}</td>
              <td>
                <button type="button" onClick={() => onOpen(evacuation.evacuation_id)}>
                  {evacuation.closed_time ? 'Report' : 'Roll call'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <CloseActions onClose={onClose} />
    </Dialog>
  );
}
