import { useQuery } from '@tanstack/react-query';
import type { ExpectedVisit } from '../../../../shared/expected';
import { useSession } from '../../app/session';
import { expectedQuery, useCancelExpected } from '../../queries/expected';
import { FormError } from '../../lib/FormError';

const STATUS_LABEL: Record<ExpectedVisit['status'], string> = {
  expected: 'Expected',
  arrived: 'Arrived',
  cancelled: 'Cancelled',
};

/**
 * Who is expected today. Those still to come are listed first; arrivals and cancellations
 * stay in view (dimmed) for the rest of the day, so a no-show is never silently dropped.
 */
export function ExpectedToday({
  today,
  onCheckIn,
  onExpect,
}: {
  today: string;
  onCheckIn: (visit: ExpectedVisit) => void;
  onExpect: () => void;
}) {
  const { token } = useSession();
  const expected = useQuery(expectedQuery(token, today));
  const cancel = useCancelExpected(token);
  const order: Record<ExpectedVisit['status'], number> = { expected: 0, arrived: 1, cancelled: 2 };
  const visits = [...(expected.data ?? [])].sort((a, b) => order[a.status] - order[b.status]);

  return (
    <div className="expected-view">
      <div className="expected-head">
        <p className="hint">
          {expected.data
            ? `${visits.filter((v) => v.status === 'expected').length} still to arrive · ${visits.filter((v) => v.status === 'arrived').length} arrived`
            : 'Loading…'}
        </p>
        <span className="spacer" />
        <button type="button" onClick={onExpect}>
          + Expect a visitor
        </button>
      </div>
      <FormError error={cancel.error} />
      {expected.error && (
        <p className="notice" role="alert">
          {expected.error.message}
        </p>
      )}
      {expected.isSuccess && visits.length === 0 && <p className="notice">Nobody is expected today.</p>}
      <ul className="expected-list" aria-label="Expected today">
        {visits.map((visit) => (
          <li
            key={visit.expected_id}
            className={`expected-item status-${visit.status}`}
            data-expected-id={visit.expected_id}
          >
            <div className="expected-text">
              <span className="name">{visit.name}</span>
              <span className="detail">
                {visit.visitee_name ? `To see ${visit.visitee_name}` : 'No host given'}
                {visit.purpose ? ` · ${visit.purpose}` : ''}
              </span>
              {visit.note && <span className="detail note">{visit.note}</span>}
            </div>
            <span className={`status-tag status-${visit.status}`}>{STATUS_LABEL[visit.status]}</span>
            {visit.status === 'expected' && (
              <div className="expected-actions">
                <button type="button" className="primary" onClick={() => onCheckIn(visit)}>
                  Check in
                </button>
                <button
                  type="button"
                  onClick={() => cancel.mutate(visit.expected_id)}
                  aria-label={`Cancel visit: ${visit.name}`}
                >
                  Cancel visit
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
