import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { NOTICE_STATUSES, type Notice, type NoticeStatus } from '../../../../shared/notifications';
import { useSession } from '../../app/session';
import { FormError } from '../../lib/FormError';
import { noticesQuery, useRetryNotice } from '../../queries/notifications';

/** Administration → Notifications: what became of each notice this desk wrote, with "Retry now". */
export function NoticesPanel() {
  return (
    <div className="admin-panel notifications">
      <NoticeList />
    </div>
  );
}

const STATUS_WORDS: Record<NoticeStatus, string> = { pending: 'Pending', sent: 'Sent', failed: 'Failed' };

function NoticeList() {
  const { token } = useSession();
  const [status, setStatus] = useState<NoticeStatus | undefined>();
  const notices = useInfiniteQuery(noticesQuery(token, status));
  const retry = useRetryNotice(token);
  return (
    <section aria-labelledby="notices-title" className="notice-list">
      <div className="admin-toolbar">
        <h2 id="notices-title">Notices sent from this desk</h2>
        <span className="spacer" />
        <label>
          Show
          <select
            value={status ?? ''}
            onChange={(event) => setStatus((event.target.value || undefined) as NoticeStatus | undefined)}
          >
            <option value="">Every notice</option>
            {NOTICE_STATUSES.map((one) => (
              <option key={one} value={one}>
                {STATUS_WORDS[one]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <FormError error={notices.error ?? retry.error} />
      {notices.data?.length === 0 ? (
        <p className="notice">No notices{status ? ` ${STATUS_WORDS[status].toLowerCase()}` : ''} yet.</p>
      ) : (
        <table className="admin-table">
          <thead>
            <tr>
              <th>Written</th>
              <th>To</th>
              <th>What</th>
              <th>Status</th>
              <th>Tries</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {notices.data?.map((notice) => (
              <NoticeRow
                key={notice.notice_id}
                notice={notice}
                onRetry={() => retry.mutate(notice.notice_id)}
                retrying={retry.isPending && retry.variables === notice.notice_id}
              />
            ))}
          </tbody>
        </table>
      )}
      {notices.hasNextPage && (
        <button type="button" onClick={() => void notices.fetchNextPage()} disabled={notices.isFetchingNextPage}>
          Older notices
        </button>
      )}
    </section>
  );
}

function NoticeRow({ notice, onRetry, retrying }: { notice: Notice; onRetry: () => void; retrying: boolean }) {
  const what = notice.subject ?? (notice.kind === 'arrival' ? 'Arrival of an erased visitor' : 'Invitation (erased)');
  return (
    <tr data-notice-id={notice.notice_id}>
      <td>{notice.created_time.slice(0, 16)}</td>
      <td>
        {notice.channel === 'email' ? '✉ ' : '⇢ '}
        {notice.recipient}
      </td>
      <td>{what}</td>
      <td>
        <span className={`notice-status ${notice.status}`}>{STATUS_WORDS[notice.status]}</span>
        {notice.status === 'sent' && notice.done_time && ` ${notice.done_time.slice(11, 16)}`}
        {notice.error && <span className="notice-error"> — {notice.error}</span>}
        {notice.status === 'pending' && notice.next_time && (
          <span className="notice-error"> (next try {notice.next_time.slice(11, 16)})</span>
        )}
      </td>
      <td>{notice.attempts}</td>
      <td>
        {notice.status !== 'sent' && notice.subject !== null && (
          <button type="button" onClick={onRetry} disabled={retrying}>
            Retry now
          </button>
        )}
      </td>
    </tr>
  );
}
