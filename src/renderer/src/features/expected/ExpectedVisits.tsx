import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Dialog } from '../../lib/Dialog';
import { spokenDay } from '../../../../shared/dates';
import type { ExpectedVisit } from '../../../../shared/expected';
import { useSession } from '../../app/session';
import { FormError } from '../../lib/FormError';
import { expectedQuery, useCancelExpected } from '../../queries/expected';
import { expectedRange, type ExpectedDays } from './expected-days';
import { InvitationQr } from './InvitationQr';

const STATUS_LABEL: Record<ExpectedVisit['status'], string> = {
  expected: 'Expected',
  arrived: 'Arrived',
  cancelled: 'Cancelled',
};

const PRESETS = [
  { preset: 'today', label: 'Today' },
  { preset: 'tomorrow', label: 'Tomorrow' },
  { preset: 'week', label: 'This week' },
] as const;

/**
 * Who is expected: today by default, or tomorrow, this week or any day. Those still to come
 * are listed first, in the order they are due; arrivals and cancellations stay in view
 * (dimmed) for the rest of the day, so a no-show is never silently dropped. Only today's
 * visits can be checked in; any open one can be cancelled.
 */
export function ExpectedVisits({
  today,
  days,
  onDays,
  onCheckIn,
  onExpect,
}: {
  today: string;
  days: ExpectedDays;
  onDays: (days: ExpectedDays) => void;
  onCheckIn: (visit: ExpectedVisit) => void;
  onExpect: () => void;
}) {
  const { token } = useSession();
  const range = expectedRange(days, today);
  const expected = useQuery(expectedQuery(token, range.from, range.to));
  const cancel = useCancelExpected(token);
  // Cancelling cannot be undone: asked first, naming the visitor and the day.
  const [cancelling, setCancelling] = useState<ExpectedVisit | null>(null);
  const [showingQr, setShowingQr] = useState<ExpectedVisit | null>(null);
  const order: Record<ExpectedVisit['status'], number> = { expected: 0, arrived: 1, cancelled: 2 };
  // The server's order is by day and time due; within a day, the open ones first.
  const visits = [...(expected.data ?? [])].sort(
    (a, b) => a.expected_date.localeCompare(b.expected_date) || order[a.status] - order[b.status],
  );
  const severalDays = range.from !== range.to;
  const title = severalDays ? 'this week' : spokenDay(range.from, today);

  return (
    <div className="expected-view">
      <div className="expected-head">
        <div className="segmented" role="group" aria-label="Which days">
          {PRESETS.map(({ preset, label }) => (
            <button key={preset} type="button" aria-pressed={days.preset === preset} onClick={() => onDays({ preset })}>
              {label}
            </button>
          ))}
          <input
            type="date"
            aria-label="Another day"
            value={days.preset === 'day' ? days.date : ''}
            onChange={(event) => event.target.value && onDays({ preset: 'day', date: event.target.value })}
          />
        </div>
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
      {expected.isSuccess && visits.length === 0 && <p className="notice">Nobody is expected {title}.</p>}
      <ul className="expected-list" aria-label={`Expected ${title}`}>
        {visits.map((visit) => (
          <li
            key={visit.expected_id}
            className={`expected-item status-${visit.status}`}
            data-expected-id={visit.expected_id}
          >
            <div className="expected-text">
              <span className="name">
                {visit.expected_time && <span className="due">{visit.expected_time}</span>}
                {visit.name}
              </span>
              <span className="detail">
                {severalDays && `${spokenDay(visit.expected_date, today)} · `}
                {visit.visitee_name ? `To see ${visit.visitee_name}` : 'No host given'}
                {visit.purpose ? ` · ${visit.purpose}` : ''}
              </span>
              {visit.note && <span className="detail note">{visit.note}</span>}
              {visit.email && (
                <span className="detail invitation">
                  {visit.invited_time
                    ? `Invitation sent ${visit.invited_time.slice(11, 16)} to ${visit.email}`
                    : `Invitation to ${visit.email} not sent yet`}
                </span>
              )}
            </div>
            <span className={`status-tag status-${visit.status}`}>{STATUS_LABEL[visit.status]}</span>
            {visit.status === 'expected' && (
              <div className="expected-actions">
                {visit.expected_date === today && (
                  <button type="button" className="primary" onClick={() => onCheckIn(visit)}>
                    Check in
                  </button>
                )}
                <button
                  type="button"
                  onClick={() => setShowingQr(visit)}
                  aria-label={`Invitation QR code: ${visit.name}`}
                >
                  QR code
                </button>
                <button type="button" onClick={() => setCancelling(visit)} aria-label={`Cancel visit: ${visit.name}`}>
                  Cancel visit…
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {cancelling && (
        <Dialog
          title={`Cancel the visit of ${cancelling.name}?`}
          onClose={() => setCancelling(null)}
          className="confirm"
        >
          <p>
            {cancelling.name} is expected {spokenDay(cancelling.expected_date, today)}
            {cancelling.expected_time ? ` at ${cancelling.expected_time}` : ''}. A cancelled visit stays listed as
            cancelled and cannot be checked in.
          </p>
          <div className="dialog-actions">
            <span className="spacer" />
            <button type="button" onClick={() => setCancelling(null)} autoFocus>
              Keep the visit
            </button>
            <button
              type="button"
              className="primary danger"
              onClick={() => cancel.mutate(cancelling.expected_id, { onSettled: () => setCancelling(null) })}
            >
              Cancel the visit
            </button>
          </div>
        </Dialog>
      )}
      {showingQr && <InvitationQr visit={showingQr} onClose={() => setShowingQr(null)} />}
    </div>
  );
}
