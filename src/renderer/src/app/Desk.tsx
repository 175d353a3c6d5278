import { useInfiniteQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import type { Visitor } from '../../../shared/api-types';
import { CheckInDialog } from '../features/checkin/CheckInDialog';
import { DeskMenu } from '../features/desk/DeskMenu';
import { ExitDialog } from '../features/log/ExitDialog';
import { VisitorGrid } from '../features/log/VisitorGrid';
import { PhotoViewer } from '../features/viewer/PhotoViewer';
import { logQuery, onSiteQuery } from '../queries/visitors';
import { useSession } from './session';

type View = 'on-site' | 'history';

/** The reception desk: the visitor log, and the dialogs that act on it. */
export function Desk() {
  const session = useSession();
  const [view, setView] = useState<View>('on-site');
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search.trim());
  const [openIndex, setOpenIndex] = useState<number | null>(null);
  const [leaving, setLeaving] = useState<Visitor | null>(null);
  const [checkingIn, setCheckingIn] = useState(false);

  const onSite = useInfiniteQuery(onSiteQuery(session.token));
  const history = useInfiniteQuery({ ...logQuery(session.token, q), enabled: view === 'history' });
  const shown = view === 'on-site' ? onSite : history;
  const visitors = (view === 'on-site' ? onSite.data?.visitors : history.data) ?? [];
  const loading = view === 'on-site' ? onSite.isPending : history.isPending;
  const failed = view === 'on-site' ? onSite.error : history.error;
  const opened = openIndex === null ? undefined : visitors[openIndex];

  return (
    <div className="desk">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Frontdesk
        </div>
        <nav className="tabs" aria-label="Visitor log">
          <button type="button" aria-pressed={view === 'on-site'} onClick={() => setView('on-site')}>
            On site now
            <span className="count" aria-label={`${onSite.data?.count ?? 0} visitors`}>
              {onSite.data?.count ?? '–'}
            </span>
          </button>
          <button type="button" aria-pressed={view === 'history'} onClick={() => setView('history')}>
            History
          </button>
        </nav>
        <div className="topbar-actions">
          <button type="button" className="primary big" onClick={() => setCheckingIn(true)}>
            + Check in visitor
          </button>
          <DeskMenu />
        </div>
      </header>

      {view === 'history' && (
        <div className="searchbar">
          <input
            type="search"
            aria-label="Search visitors by name, card, mobile, purpose or person visited"
            placeholder="Search name, card, mobile, purpose or person visited"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </div>
      )}

      <main className="log" aria-busy={loading}>
        {failed && !loading ? (
          <p className="notice" role="alert">
            {failed.message}
          </p>
        ) : null}
        <VisitorGrid
          key={view}
          visitors={visitors}
          showExitTime={view === 'history'}
          emptyText={
            loading
              ? 'Loading…'
              : view === 'on-site'
                ? 'Nobody is on the premises.'
                : q
                  ? `No visitor matches “${q}”.`
                  : 'No visitors yet.'
          }
          onOpen={setOpenIndex}
          onExit={setLeaving}
          hasMore={shown.hasNextPage}
          loadMore={() => void shown.fetchNextPage()}
        />
      </main>

      {opened && (
        <PhotoViewer
          visitor={opened}
          position={{ index: openIndex!, total: visitors.length }}
          onMove={(delta) =>
            setOpenIndex((i) => (i === null ? i : Math.min(Math.max(i + delta, 0), visitors.length - 1)))
          }
          onClose={() => setOpenIndex(null)}
          onExit={setLeaving}
        />
      )}
      {leaving && <ExitDialog visitor={leaving} onClose={() => setLeaving(null)} />}
      {checkingIn && (
        <CheckInDialog
          onClose={() => setCheckingIn(false)}
          onCheckedIn={() => {
            setCheckingIn(false);
            setView('on-site');
          }}
        />
      )}
    </div>
  );
}
