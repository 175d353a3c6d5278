import { useQuery } from '@tanstack/react-query';
import type { CompanySite } from '../../../../shared/site';
import { useSession } from '../../app/session';
import { shortTime, wallClockMs } from '../../lib/format';
import { companySitesQuery } from '../../queries/site';

/**
 * A desk not heard from for this long is shown as out of touch: the company server asks each
 * desk every second, so a minute of silence is a desk off, or a link down.
 */
const QUIET_AFTER_MS = 60_000;

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * Head office's view of a company server (API contract Part 6): every site, who is on its
 * premises, any roll call open there (those first), and each desk with when it was last heard
 * from, so that security knows which figures are current.
 */
export function HeadOffice() {
  const { token } = useSession();
  const sites = useQuery(companySitesQuery(token));
  const list = [...(sites.data ?? [])].sort(
    (a, b) => Number(b.open_evacuation_id !== null) - Number(a.open_evacuation_id !== null),
  );
  const onPremises = list.reduce((sum, site) => sum + site.on_premises, 0);
  const rolls = list.filter((site) => site.open_evacuation_id !== null).length;
  return (
    <section className="expected-view head-office" aria-labelledby="head-office-title">
      <header className="expected-head">
        <h2 id="head-office-title">Sites</h2>
        <span className="hint" role="status">
          {plural(list.length, 'site', 'sites')} · {plural(onPremises, 'person', 'people')} on the premises
          {rolls > 0 ? ` · ${plural(rolls, 'roll call', 'roll calls')} open` : ''}
        </span>
      </header>
      {sites.error ? (
        <p className="notice" role="alert">
          {sites.error.message}
        </p>
      ) : null}
      {!sites.isPending && list.length === 0 ? (
        <p className="empty">
          No site yet. Make one with <code>site create --database …</code>, then invite its desks with{' '}
          <code>site invite --site …</code>.
        </p>
      ) : (
        <ul className="site-list">
          {list.map((site) => (
            <SiteCard key={site.site_id} site={site} asOf={sites.dataUpdatedAt} />
          ))}
        </ul>
      )}
    </section>
  );
}

function SiteCard({ site, asOf }: { site: CompanySite; asOf: number }) {
  const rollOpen = site.open_evacuation_id !== null;
  return (
    <li className={`site-card${rollOpen ? ' roll-open' : ''}`} aria-label={site.name}>
      <div className="site-card-head">
        <h3>{site.name}</h3>
        {rollOpen && <span className="status-tag roll-open">Roll call open</span>}
      </div>
      <p className="site-count">
        <strong>{site.on_premises}</strong> {site.on_premises === 1 ? 'person' : 'people'} on the premises
      </p>
      <ul className="site-desks" aria-label={`Desks of ${site.name}`}>
        {site.desks.length === 0 ? (
          <li className="detail">No desk has joined yet.</li>
        ) : (
          site.desks.map((desk) => {
            const quiet = desk.last_heard_time === null || asOf - wallClockMs(desk.last_heard_time) > QUIET_AFTER_MS;
            return (
              <li key={desk.desk_id} className={quiet ? 'quiet' : 'heard'}>
                <span className="desk-name">{desk.name}</span>
                <span className="detail">
                  {desk.last_heard_time ? `last heard ${shortTime(desk.last_heard_time)}` : 'not heard from yet'}
                </span>
              </li>
            );
          })
        )}
      </ul>
    </li>
  );
}
