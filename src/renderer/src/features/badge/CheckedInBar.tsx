import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { VisitorListResponse } from '../../../../shared/api-types';
import { useSession } from '../../app/session';
import { apiJson } from '../../lib/api';
import { loadDeskPrefs } from '../../lib/desk-prefs';
import { PrintBadgeButton } from './PrintBadgeButton';

/**
 * The confirmation after a check-in, with the badge: printed at once where the desk prints
 * at every check-in, a button away otherwise.
 */
export function CheckedInBar({ visitorId, onDismiss }: { visitorId: string; onDismiss: () => void }) {
  const { token } = useSession();
  const visitor = useQuery({
    queryKey: ['checked-in', visitorId],
    queryFn: async ({ signal }) =>
      (await apiJson<VisitorListResponse>(`/v1/get/${visitorId}`, { token, signal })).data[0] ?? null,
  });
  const [autoPrint, setAutoPrint] = useState<boolean | null>(null);
  useEffect(() => {
    void loadDeskPrefs().then((prefs) => setAutoPrint(prefs.autoPrintBadge ?? false));
  }, []);

  if (!visitor.data || autoPrint === null) return null;
  return (
    <div className="checked-in" role="status">
      <span>
        ✓ <strong>{visitor.data.name}</strong> is checked in with card #{visitor.data.card_no}.
      </span>
      <PrintBadgeButton visitor={visitor.data} auto={autoPrint} />
      <button type="button" className="quiet" onClick={onDismiss} aria-label="Dismiss">
        ✕
      </button>
    </div>
  );
}
