import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { InfiniteData } from '@tanstack/react-query';
import type { Visitor, VisitorLogResponse } from '../../../../shared/api-types';
import { useSession } from '../../app/session';
import { apiJson } from '../../lib/api';
import { Dialog } from '../../lib/Dialog';
import { visitorKeys } from '../../queries/visitors';

type OnSitePages = InfiniteData<VisitorLogResponse, string>;

/**
 * Confirms and records an exit. The visitor leaves "On site now" at once (optimistic);
 * if the server refuses, they come back and the message says why.
 */
export function ExitDialog({ visitor, onClose }: { visitor: Visitor; onClose: () => void }) {
  const { token } = useSession();
  const queryClient = useQueryClient();
  const exit = useMutation({
    mutationFn: () => apiJson(`/v1/exit/${visitor.visitor_id}`, { method: 'POST', token }),
    onMutate: async () => {
      await queryClient.cancelQueries({ queryKey: visitorKeys.onSite() });
      const previous = queryClient.getQueryData<OnSitePages>(visitorKeys.onSite());
      queryClient.setQueryData<OnSitePages>(visitorKeys.onSite(), (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((page) => ({
                ...page,
                data: page.data.filter((v) => v.visitor_id !== visitor.visitor_id),
                ...(page.on_site_count === undefined ? {} : { on_site_count: page.on_site_count - 1 }),
              })),
            }
          : data,
      );
      return { previous };
    },
    onError: (_error, _vars, context) => queryClient.setQueryData(visitorKeys.onSite(), context?.previous),
    onSuccess: onClose,
    onSettled: () => queryClient.invalidateQueries({ queryKey: visitorKeys.all }),
  });

  return (
    <Dialog title={`Record exit of ${visitor.name}?`} onClose={onClose} className="confirm">
      <p>
        Card <strong>#{visitor.card_no}</strong> should be handed back at the desk.
      </p>
      {exit.error && (
        <p className="form-error" role="alert">
          {exit.error.message}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="primary danger"
          autoFocus
          disabled={exit.isPending}
          onClick={() => exit.mutate()}
        >
          Record exit
        </button>
      </div>
    </Dialog>
  );
}
