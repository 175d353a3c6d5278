import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../app/session';
import type { AdminSection } from '../admin/AdminArea';
import { settingsQuery } from '../../queries/admin';
import { visiteesQuery } from '../../queries/visitors';

/**
 * What an empty desk shows instead of "Nobody is on the premises": the first things to set
 * up, each with the button that does it, until they are done. Reception is told whom to ask.
 */
export function GettingStarted({
  isAdmin,
  onAdmin,
  onCheckIn,
}: {
  isAdmin: boolean;
  onAdmin: (section: AdminSection) => void;
  onCheckIn: () => void;
}) {
  const { token } = useSession();
  const hosts = useQuery(visiteesQuery(token));
  const settings = useQuery({ ...settingsQuery(token), enabled: isAdmin });
  const noHosts = hosts.data?.length === 0;
  const noSignOut = isAdmin && settings.data?.auto_signout_time === null;
  if (!noHosts && !noSignOut) return <p className="empty">Nobody is on the premises.</p>;

  return (
    <section className="getting-started" aria-labelledby="getting-started-title">
      <h2 id="getting-started-title">Nobody is on the premises. To get this desk ready:</h2>
      <ol>
        {noHosts && (
          <li>
            <strong>Add the people visitors come to see</strong>, so check-in can offer them by name.{' '}
            {isAdmin ? (
              <button type="button" onClick={() => onAdmin('hosts')}>
                Add or import hosts
              </button>
            ) : (
              'An administrator adds them (or imports a spreadsheet) in Administration → Hosts.'
            )}
          </li>
        )}
        {noSignOut && (
          <li>
            <strong>Choose when everyone still signed in is signed out</strong> at the end of the day, so the evacuation
            roll never lists people who left without signing out.{' '}
            <button type="button" onClick={() => onAdmin('settings')}>
              Set the sign-out time
            </button>
          </li>
        )}
        <li>
          <strong>Check in the first visitor</strong> with a photo from the camera or a file.{' '}
          <button type="button" className="primary" onClick={onCheckIn}>
            Check in visitor (N)
          </button>
        </li>
      </ol>
    </section>
  );
}
