import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { AUDIT_ACTION_LABELS, AUDIT_ACTIONS, SYSTEM_ACTOR_LABEL, type AuditAction } from '../../../../shared/audit';
import { staffQuery } from '../../queries/admin';
import { useSession } from '../../app/session';
import { auditQuery, type AuditFilter } from '../../queries/audit';
import { AuditList } from './AuditList';
import { FormError } from '../../lib/FormError';

/**
 * The audit trail: who saw whose photo, printed, exported, erased, changed staff or
 * settings, signed in. Entries name visitors by ID only; clicking one shows that
 * visitor's entries. No face is shown here.
 */
export function AuditPanel() {
  const { token } = useSession();
  const [filter, setFilter] = useState<AuditFilter>({});
  const applied = useDeferredValue(filter);
  const audit = useInfiniteQuery(auditQuery(token, applied));
  const staff = useQuery(staffQuery(token));
  const set = (patch: Partial<AuditFilter>) => setFilter((current) => ({ ...current, ...patch }));

  return (
    <div className="admin-panel audit">
      <div className="admin-toolbar audit-filters" role="search" aria-label="Filter the audit trail">
        <label>
          Action
          <select
            value={filter.action ?? ''}
            onChange={(event) => set({ action: (event.target.value || undefined) as AuditAction | undefined })}
          >
            <option value="">Every action</option>
            {AUDIT_ACTIONS.map((action) => (
              <option key={action} value={action}>
                {AUDIT_ACTION_LABELS[action]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Account
          <select value={filter.account ?? ''} onChange={(event) => set({ account: event.target.value || undefined })}>
            <option value="">Everyone</option>
            <option value="system">{SYSTEM_ACTOR_LABEL}</option>
            {staff.data?.map((account) => (
              <option key={account.user_id} value={String(account.user_id)}>
                {account.username}
              </option>
            ))}
          </select>
        </label>
        <label>
          Visitor ID
          <input
            value={filter.visitor_id ?? ''}
            onChange={(event) => set({ visitor_id: event.target.value.trim() || undefined })}
          />
        </label>
        <label>
          From
          <input
            type="date"
            value={filter.from ?? ''}
            onChange={(event) => set({ from: event.target.value || undefined })}
          />
        </label>
        <label>
          To
          <input
            type="date"
            value={filter.to ?? ''}
            onChange={(event) => set({ to: event.target.value || undefined })}
          />
        </label>
      </div>
      <FormError error={audit.error} />
      <AuditList
        entries={audit.data ?? []}
        loading={audit.isPending}
        hasMore={audit.hasNextPage}
        loadMore={() => {
          if (!audit.isFetchingNextPage) void audit.fetchNextPage();
        }}
        onVisitor={(visitorId) => set({ visitor_id: visitorId })}
      />
    </div>
  );
}
