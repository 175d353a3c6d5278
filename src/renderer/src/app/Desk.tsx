import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useDeferredValue, useEffect, useRef, useState } from 'react';
import type { Visitor } from '../../../shared/api-types';
import type { ExpectedVisit } from '../../../shared/expected';
import { AdminArea, type AdminSection } from '../features/admin/AdminArea';
import { GettingStarted } from '../features/log/GettingStarted';
import { RetentionChoiceDialog } from '../features/admin/RetentionChoiceDialog';
import { CheckedInBar } from '../features/badge/CheckedInBar';
import { EvacuationButton } from '../features/evacuation/EvacuationButton';
import { EvacuationList } from '../features/evacuation/EvacuationList';
import { RollCall } from '../features/evacuation/RollCall';
import { ExpectDialog } from '../features/expected/ExpectDialog';
import { ExpectedVisits } from '../features/expected/ExpectedVisits';
import { daysShowing, type ExpectedDays } from '../features/expected/expected-days';
import { DateFilter, rangeOf, type DateFilterValue } from '../features/log/DateFilter';
import { TypeFilter } from '../features/log/TypeFilter';
import { downloadFile } from '../lib/download';
import { useToday } from '../lib/today';
import { meQuery } from '../queries/admin';
import { expectedQuery } from '../queries/expected';
import { CheckInDialog } from '../features/checkin/CheckInDialog';
import { ScanInvitation } from '../features/checkin/ScanInvitation';
import { DeskMenu } from '../features/desk/DeskMenu';
import { SiteStatus } from '../features/site/SiteStatus';
import { HeadOffice } from '../features/company/HeadOffice';
import { SiteFilter } from '../features/company/SiteFilter';
import { companySitesQuery } from '../queries/site';
import { DensityPicker, useDensity } from '../features/log/density';
import { ExitDialog } from '../features/log/ExitDialog';
import { ExitUndoBar } from '../features/log/ExitUndoBar';
import { VisitorGrid } from '../features/log/VisitorGrid';
import { matchesOnSiteSearch } from '../features/log/on-site-search';
import { SearchBox } from '../features/log/SearchBox';
import { PhotoViewer } from '../features/viewer/PhotoViewer';
import { useLiveUpdates } from '../queries/live';
import { findCachedVisitor } from '../queries/visitor-cache';
import { logFilterParams, logQuery, onSiteQuery } from '../queries/visitors';
import { useSession } from './session';

type View = 'sites' | 'on-site' | 'expected' | 'history' | 'admin' | 'roll';

/** How long the live stream may be down before the desk says the server cannot be reached. */
const LOST_AFTER_MS = 4000;

/** Typing in a field must never trigger a desk shortcut. */
function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
  );
}

/** The reception desk: the visitor log, and the dialogs that act on it. */
export function Desk() {
  const session = useSession();
  const client = useQueryClient();
  const live = useLiveUpdates(session.token, session.ended);
  // The server out of reach for more than a moment is said in words, not only by the dot.
  const [lost, setLost] = useState(false);
  useEffect(() => {
    if (live) return setLost(false);
    const timer = setTimeout(() => setLost(true), LOST_AFTER_MS);
    return () => clearTimeout(timer);
  }, [live]);
  const [density, setDensity] = useDensity();
  const [chosenView, setView] = useState<View | null>(null);
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search.trim());
  // On site now has its own search, done on the desk over everyone on the premises.
  const [siteSearch, setSiteSearch] = useState('');
  const siteQ = useDeferredValue(siteSearch.trim());
  const siteSearchRef = useRef<HTMLInputElement>(null);
  // The viewer holds a person, never a place in a list that other desks keep changing.
  const [opened, setOpened] = useState<Visitor | null>(null);
  const [leaving, setLeaving] = useState<Visitor | null>(null);
  // The visitor whose exit was just recorded here: Undo is offered for a few seconds.
  const [justLeft, setJustLeft] = useState<Visitor | null>(null);
  const dismissJustLeft = useCallback(() => setJustLeft(null), []);
  // A check-in in progress: from scratch (true) or from an expected visit.
  const [checkingIn, setCheckingIn] = useState<boolean | ExpectedVisit>(false);
  const [expecting, setExpecting] = useState(false);
  const [scanning, setScanning] = useState(false);
  // An invitation read: its visit's check-in opens filled in (the photo is taken as usual).
  const invitationFound = useCallback((visit: ExpectedVisit) => {
    setScanning(false);
    setCheckingIn(visit);
  }, []);
  const [expectedDays, setExpectedDays] = useState<ExpectedDays>({ preset: 'today' });
  const [rollId, setRollId] = useState<number | null>(null);
  // The visitor just checked in: the confirmation, with their badge.
  const [checkedIn, setCheckedIn] = useState<string | null>(null);
  const [listingEvacuations, setListingEvacuations] = useState(false);
  const [adminSection, setAdminSection] = useState<AdminSection>('staff');
  const openRoll = useCallback((evacuationId: number) => {
    setListingEvacuations(false);
    setRollId(evacuationId);
    setView('roll');
  }, []);
  const [dates, setDates] = useState<DateFilterValue>({ preset: 'all', from: '', to: '' });
  const [exportProblem, setExportProblem] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const today = useToday();
  const [typeFilter, setTypeFilter] = useState<number | undefined>();
  // Head office's lists of one site, or of every site.
  const [atSite, setAtSite] = useState<string | undefined>();
  const range = { ...rangeOf(dates, today), typeId: typeFilter, siteId: atSite };
  const me = useQuery(meQuery(session.token));
  const isAdmin = me.data?.role === 'admin';
  // Asked once a sign-in (this session) until an admin chooses: "Keep for now" waits for the next.
  const [retentionAsked, setRetentionAsked] = useState(false);
  // A company server opens on its sites (head office); a desk on who is on site now.
  const companySites = useQuery(companySitesQuery(session.token));
  const isCompany = Array.isArray(companySites.data);
  const firstView: View = isCompany ? 'sites' : 'on-site';
  // Reception never sees the admin area, even if the role changed while it was open.
  const view = (chosenView === 'admin' && !isAdmin) || chosenView === null ? firstView : chosenView;
  const expectedToday = useQuery(expectedQuery(session.token, today));
  const stillExpected = expectedToday.data?.filter((visit) => visit.status === 'expected').length;

  const onSite = useInfiniteQuery(onSiteQuery(session.token, live, isCompany));
  const history = useInfiniteQuery({
    ...logQuery(session.token, q, live, range, isCompany && !atSite),
    enabled: view === 'history',
  });
  const shown = view === 'on-site' ? onSite : history;

  async function exportCsv() {
    setExportProblem(null);
    const params = new URLSearchParams(logFilterParams(q, range));
    try {
      await downloadFile(`/v1/log/export.csv?${params.toString()}`, session.token, 'export.csv');
    } catch (error) {
      setExportProblem(error instanceof Error ? error.message : String(error));
    }
  }
  const held = (view === 'on-site' ? onSite.data : history.data)?.visitors ?? [];
  // Who is on site, searched and at one site: of all of them, so the pages not yet read are read now.
  const narrowed = view === 'on-site' && Boolean(siteQ || atSite);
  const visitors = narrowed
    ? held.filter(
        (visitor) => (!siteQ || matchesOnSiteSearch(visitor, siteQ)) && (!atSite || visitor.site_id === atSite),
      )
    : held;
  useEffect(() => {
    // A re-read under way (queries/visitor-cache.ts) is let finish, not cancelled.
    if (narrowed && onSite.hasNextPage && !onSite.isFetching) void onSite.fetchNextPage({ cancelRefetch: false });
  }, [narrowed, onSite]);
  const loading = view === 'on-site' ? onSite.isPending : history.isPending;
  const failed = view === 'on-site' ? onSite.error : history.error;

  const openIndex = opened ? visitors.findIndex((visitor) => visitor.visitor_id === opened.visitor_id) : -1;
  // The freshest copy of the opened person: from the list, else from any cached list (they
  // may have left it), else as they were when opened.
  const openedNow = opened ? (visitors[openIndex] ?? findCachedVisitor(client, opened.visitor_id) ?? opened) : null;

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      if (document.querySelector('dialog[open]')) return;
      if (event.key === 'n' || event.key === 'N') setCheckingIn(true);
      else if (event.key === '/') {
        // The search of the list in view: On site now has its own, every other view goes to History's.
        const onSiteShown = siteSearchRef.current !== null;
        if (!onSiteShown) setView('history');
        // The search field exists once the view renders.
        requestAnimationFrame(() => (onSiteShown ? siteSearchRef : searchRef).current?.focus());
      } else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="desk">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-word">Frontdesk</span>
        </div>
        <nav className="tabs" aria-label="Visitor log">
          {isCompany && (
            <button type="button" aria-pressed={view === 'sites'} onClick={() => setView('sites')}>
              Sites
              <span className="count" aria-label={`${companySites.data?.length ?? 0} sites`}>
                {companySites.data?.length ?? '–'}
              </span>
            </button>
          )}
          <button type="button" aria-pressed={view === 'on-site'} onClick={() => setView('on-site')}>
            On site now
            <span className="count" aria-label={`${onSite.data?.count ?? 0} visitors`}>
              {onSite.data?.count ?? '–'}
            </span>
          </button>
          <button type="button" aria-pressed={view === 'expected'} onClick={() => setView('expected')}>
            Expected
            <span className="count" aria-label={`${stillExpected ?? 0} still expected`}>
              {stillExpected ?? '–'}
            </span>
          </button>
          <button type="button" aria-pressed={view === 'history'} onClick={() => setView('history')}>
            History
          </button>
        </nav>
        <div className="topbar-actions">
          <SiteStatus />
          <span
            className={`live-dot ${live ? 'on' : ''}`}
            role="status"
            title={live ? 'Live: changes from other desks appear at once' : 'Reconnecting: checking every few seconds'}
            aria-label={live ? 'Live updates on' : 'Live updates reconnecting'}
          />
          <EvacuationButton onOpen={openRoll} />
          <DensityPicker value={density} onChange={setDensity} />
          <button
            type="button"
            className="scan-button"
            onClick={() => setScanning(true)}
            aria-label="Scan invitation"
            title="Scan invitation: read the QR code a visitor was sent"
          >
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
              <path
                fill="currentColor"
                d="M3 3h8v8H3zm2 2v4h4V5zm8-2h8v8h-8zm2 2v4h4V5zM3 13h8v8H3zm2 2v4h4v-4zm8-2h2v2h-2zm4 0h4v2h-4zm-4 4h4v4h-4zm6 0h2v4h-2zm0 6h2v-2h2v2zm-6 0v-2h2v2z"
              />
            </svg>
          </button>
          <button
            type="button"
            className="primary big"
            onClick={() => setCheckingIn(true)}
            aria-keyshortcuts="N"
            title="Check in a visitor (N)"
          >
            + Check in visitor
          </button>
          <DeskMenu
            onAdmin={
              isAdmin
                ? () => {
                    setAdminSection('staff');
                    setView('admin');
                  }
                : undefined
            }
          />
        </div>
      </header>
      {lost && (
        <p className="server-lost" role="alert">
          Frontdesk’s server cannot be reached: nothing can be checked in or out until it is back. Trying again every
          few seconds…
        </p>
      )}

      {view === 'on-site' && (siteSearch || (onSite.data?.count ?? 0) > 0) && (
        <div className="searchbar">
          <SearchBox
            inputRef={siteSearchRef}
            label="Search who is on site by name, card, host, purpose or mobile"
            placeholder="Search who is on site: name, card, host, purpose or mobile"
            value={siteSearch}
            onChange={setSiteSearch}
          />
          {isCompany && <SiteFilter value={atSite} onChange={setAtSite} />}
          {narrowed && (
            <span className="hint" role="status">
              {visitors.length === 1 ? '1 visitor matches' : `${visitors.length} visitors match`}
            </span>
          )}
        </div>
      )}
      {view === 'history' && (
        <div className="searchbar">
          <SearchBox
            inputRef={searchRef}
            label="Search visitors by name, card, mobile, purpose or person visited"
            placeholder="Search name, card, mobile, purpose or person visited"
            value={search}
            onChange={setSearch}
          />
          <DateFilter value={dates} onChange={setDates} />
          <TypeFilter value={typeFilter} onChange={setTypeFilter} />
          {isCompany && <SiteFilter value={atSite} onChange={setAtSite} />}
          <button type="button" onClick={() => void exportCsv()} title="Download what this list shows as a CSV file">
            Export CSV
          </button>
          <button type="button" onClick={() => setListingEvacuations(true)}>
            Evacuations
          </button>
          {exportProblem && (
            <span className="form-error" role="alert">
              {exportProblem}
            </span>
          )}
        </div>
      )}

      {view === 'sites' ? (
        <main className="log">
          <HeadOffice />
        </main>
      ) : view === 'roll' && rollId !== null ? (
        <main className="log">
          <RollCall evacuationId={rollId} onClose={() => setView(firstView)} />
        </main>
      ) : view === 'admin' ? (
        <main className="log">
          <AdminArea key={adminSection} initial={adminSection} onClose={() => setView(firstView)} />
        </main>
      ) : view === 'expected' ? (
        <main className="log">
          <ExpectedVisits
            today={today}
            days={expectedDays}
            onDays={setExpectedDays}
            onCheckIn={(visit) => setCheckingIn(visit)}
            onExpect={() => setExpecting(true)}
          />
        </main>
      ) : (
        <main className="log" aria-busy={loading}>
          {failed && !loading ? (
            <p className="notice" role="alert">
              {failed.message}
            </p>
          ) : null}
          <VisitorGrid
            key={`${view}-${density}`}
            visitors={visitors}
            density={density}
            showExitTime={view === 'history'}
            empty={
              loading ? (
                'Loading…'
              ) : view === 'on-site' ? (
                narrowed ? (
                  siteQ ? (
                    `Nobody on site matches “${siteQ}”${atSite ? ' at this site' : ''}.`
                  ) : onSite.hasNextPage ? (
                    'Loading…'
                  ) : (
                    'Nobody is on the premises at this site.'
                  )
                ) : (
                  <GettingStarted
                    isAdmin={isAdmin}
                    onAdmin={(section) => {
                      setAdminSection(section);
                      setView('admin');
                    }}
                    onCheckIn={() => setCheckingIn(true)}
                  />
                )
              ) : q ? (
                `No visitor matches “${q}”${range.from || range.to || typeFilter ? ' with these filters' : ''}.`
              ) : range.from || range.to || typeFilter ? (
                'No visitors match these filters.'
              ) : (
                'No visitors yet.'
              )
            }
            onOpen={setOpened}
            onExit={setLeaving}
            hasMore={shown.hasNextPage}
            loadMore={() => {
              // One page at a time: a scroll event storm must not queue the same page twice.
              if (!shown.isFetchingNextPage) void shown.fetchNextPage({ cancelRefetch: false });
            }}
            hasPrevious={shown.hasPreviousPage}
            loadPrevious={() => {
              if (!shown.isFetchingPreviousPage) void shown.fetchPreviousPage();
            }}
          />
        </main>
      )}

      {openedNow && (
        <PhotoViewer
          visitor={openedNow}
          isAdmin={isAdmin}
          position={
            openIndex >= 0
              ? {
                  index: openIndex,
                  total: view === 'on-site' && !narrowed ? (onSite.data?.count ?? visitors.length) : visitors.length,
                }
              : null
          }
          onMove={(delta) => {
            const next = openIndex >= 0 ? visitors[openIndex + delta] : undefined;
            if (next) setOpened(next);
          }}
          onClose={() => setOpened(null)}
          onExit={setLeaving}
        />
      )}
      {leaving && (
        <ExitDialog
          visitor={leaving}
          onClose={() => setLeaving(null)}
          onExited={(visitor) => {
            setJustLeft(visitor);
            // The confirmation of a check-in whose visitor has just left says nothing true any more.
            setCheckedIn((current) => (current === visitor.visitor_id ? null : current));
          }}
        />
      )}

      {view !== 'roll' && (
        <div className="toasts">
          {checkedIn && !openedNow && (
            <CheckedInBar key={checkedIn} visitorId={checkedIn} onDismiss={() => setCheckedIn(null)} />
          )}
          {justLeft && <ExitUndoBar key={justLeft.visitor_id} visitor={justLeft} onDismiss={dismissJustLeft} />}
        </div>
      )}

      {me.data?.retention_choice_pending && !retentionAsked && (
        <RetentionChoiceDialog onClose={() => setRetentionAsked(true)} />
      )}
      {expecting && (
        <ExpectDialog
          today={today}
          onClose={() => setExpecting(false)}
          onShowDay={(date) => {
            setExpecting(false);
            setExpectedDays(daysShowing(date, today));
            setView('expected');
          }}
        />
      )}
      {listingEvacuations && <EvacuationList onOpen={openRoll} onClose={() => setListingEvacuations(false)} />}
      {scanning && <ScanInvitation onFound={invitationFound} onClose={() => setScanning(false)} />}
      {checkingIn !== false && (
        <CheckInDialog
          expected={checkingIn === true ? undefined : checkingIn}
          onClose={() => setCheckingIn(false)}
          onCheckedIn={(visitorId) => {
            setCheckingIn(false);
            setCheckedIn(visitorId);
            setView('on-site');
          }}
        />
      )}
    </div>
  );
}
