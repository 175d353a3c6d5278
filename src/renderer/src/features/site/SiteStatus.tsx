import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../app/session';
import { shortTime, wallClockMs } from '../../lib/format';
import { siteStatusQuery } from '../../queries/site';

/** A desk heard from within this long is in sync: desks ask each other every second. */
const IN_SYNC_MS = 15_000;

/**
 * The site in the top bar, quietly, on two short lines: "3 desks / in sync", or the desk not
 * heard from longest ("Dock desk / last heard 09:41"), so that a receptionist knows whether
 * what the other doors did is here. Nothing for a desk on its own.
 */
export function SiteStatus() {
  const { token } = useSession();
  const status = useQuery(siteStatusQuery(token));
  const site = status.data?.site;
  if (!site) return null;
  // The moment of the answer, not of the render: the words change when the answer does.
  const asOf = status.dataUpdatedAt;
  const quiet = site.desks
    .filter((desk) => desk.last_heard_time === null || asOf - wallClockMs(desk.last_heard_time) > IN_SYNC_MS)
    .sort((a, b) => (a.last_heard_time ?? '').localeCompare(b.last_heard_time ?? ''));
  const count = site.desks.length + 1;
  const desks = `${count} ${count === 1 ? 'desk' : 'desks'}`;
  const detail = site.desks.map((desk) =>
    desk.last_heard_time
      ? `${desk.name}: last heard ${shortTime(desk.last_heard_time)}`
      : `${desk.name}: not heard from yet`,
  );
  const title = `${site.name} · this desk: ${site.desk_name}\n${detail.join('\n')}`;
  if (quiet.length === 0) {
    return (
      <span className="site-status in-sync" role="status" title={title}>
        <strong>{desks}</strong> <span>in sync</span>
      </span>
    );
  }
  const [first] = quiet as [(typeof quiet)[0]];
  const more = quiet.length > 1 ? ` (+${quiet.length - 1} more)` : '';
  return (
    <span className="site-status behind" role="status" title={title}>
      <strong>
        {first.name}
        {more}
      </strong>
      <span>{first.last_heard_time ? `last heard ${shortTime(first.last_heard_time)}` : 'not heard from yet'}</span>
    </span>
  );
}
