import { useInfiniteQuery } from '@tanstack/react-query';
import type { Visitor } from '../../../../shared/api-types';
import { useSession } from '../../app/session';
import { CloseActions, Dialog } from '../../lib/Dialog';
import { auditQuery } from '../../queries/audit';
import { AuditList } from '../admin/AuditList';
import { FormError } from '../../lib/FormError';

/** "Who has seen this photo": the full-photo views of one visitor, from the audit trail. */
export function PhotoViewsDialog({ visitor, onClose }: { visitor: Visitor; onClose: () => void }) {
  const { token } = useSession();
  const views = useInfiniteQuery(auditQuery(token, { visitor_id: visitor.visitor_id, action: 'photo.view' }));
  return (
    <Dialog title={`Who has seen the photo of ${visitor.name}`} onClose={onClose} className="views">
      <FormError error={views.error} />
      <AuditList
        entries={views.data ?? []}
        loading={views.isPending}
        hasMore={views.hasNextPage}
        loadMore={() => void views.fetchNextPage()}
      />
      <CloseActions onClose={onClose} />
    </Dialog>
  );
}
