import { useState } from 'react';
import { AuditPanel } from './AuditPanel';
import { ChannelsPanel } from './ChannelsPanel';
import { HostsPanel } from './HostsPanel';
import { NoticesPanel } from './NoticesPanel';
import { SettingsPanel } from './SettingsPanel';
import { SitePanel } from './SitePanel';
import { StaffPanel } from './StaffPanel';
import { VisitorTypesPanel } from './VisitorTypesPanel';
import { WatchlistPanel } from './WatchlistPanel';

const SECTIONS = [
  { id: 'staff', label: 'Staff' },
  { id: 'hosts', label: 'Hosts' },
  { id: 'types', label: 'Visitor types' },
  { id: 'watchlist', label: 'Watchlist' },
  { id: 'settings', label: 'Settings' },
  { id: 'notifications', label: 'Notifications' },
  { id: 'site', label: 'Site' },
  { id: 'audit', label: 'Audit trail' },
] as const;
export type AdminSection = (typeof SECTIONS)[number]['id'];

/** Running the site: staff accounts, the people visited, settings, the site's desks. Shown to admins only. */
export function AdminArea({ initial = 'staff', onClose }: { initial?: AdminSection; onClose: () => void }) {
  const [section, setSection] = useState<AdminSection>(initial);
  return (
    <section className="admin" aria-labelledby="admin-title">
      <header className="admin-head">
        <h1 id="admin-title">Administration</h1>
        <nav className="tabs" aria-label="Administration">
          {SECTIONS.map((s) => (
            <button key={s.id} type="button" aria-pressed={section === s.id} onClick={() => setSection(s.id)}>
              {s.label}
            </button>
          ))}
        </nav>
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Back to the desk
        </button>
      </header>
      <div className="admin-body">
        {section === 'staff' && <StaffPanel />}
        {section === 'hosts' && <HostsPanel />}
        {section === 'types' && <VisitorTypesPanel />}
        {section === 'watchlist' && <WatchlistPanel />}
        {section === 'settings' && (
          <>
            <SettingsPanel />
            <ChannelsPanel />
          </>
        )}
        {section === 'notifications' && <NoticesPanel />}
        {section === 'site' && <SitePanel />}
        {section === 'audit' && <AuditPanel />}
      </div>
    </section>
  );
}
