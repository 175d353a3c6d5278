import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { EvacuationKind } from '../../../../shared/evacuation';
import { useSession } from '../../app/session';
import { Dialog } from '../../lib/Dialog';
import { evacuationsQuery, useStartEvacuation } from '../../queries/evacuations';
import { FormError } from '../../lib/FormError';

/**
 * Always in the top bar (and `E`): asks once "drill or real?", then in one step freezes
 * the roll and opens it. While a roll call is open at any desk, it opens that one.
 */
export function EvacuationButton({ onOpen }: { onOpen: (evacuationId: number) => void }) {
  const { token } = useSession();
  const list = useQuery(evacuationsQuery(token));
  const start = useStartEvacuation(token);
  const [asking, setAsking] = useState(false);
  const open = list.data?.find((evacuation) => evacuation.closed_time === null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const typing = event.target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
      if (event.key !== 'e' && event.key !== 'E') return;
      if (typing || event.ctrlKey || event.metaKey || event.altKey || document.querySelector('dialog[open]')) return;
      event.preventDefault();
      if (open) onOpen(open.evacuation_id);
      else setAsking(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, onOpen]);

  const begin = (kind: EvacuationKind) =>
    start.mutate(kind, {
      onSuccess: (evacuation) => {
        setAsking(false);
        onOpen(evacuation.evacuation_id);
      },
    });

  return (
    <>
      <button
        type="button"
        className={`evacuate ${open ? 'active' : ''}`}
        aria-keyshortcuts="E"
        title="Evacuation roll call (E)"
        onClick={() => (open ? onOpen(open.evacuation_id) : setAsking(true))}
      >
        {open ? 'Roll call open' : 'Evacuation'}
      </button>
      {asking && (
        <Dialog title="Evacuation: drill or real?" onClose={() => setAsking(false)} className="confirm">
          <p>The roll freezes everyone on the premises now; people who check in later are not on it.</p>
          <FormError error={start.error} />
          <div className="dialog-actions evacuate-choice">
            <button type="button" onClick={() => setAsking(false)}>
              Cancel
            </button>
            <span className="spacer" />
            <button type="button" className="big" disabled={start.isPending} onClick={() => begin('drill')}>
              Drill
            </button>
            <button
              type="button"
              className="primary danger big"
              disabled={start.isPending}
              onClick={() => begin('real')}
              autoFocus
            >
              Real evacuation
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}
