import type { RollDesk } from '../../../../shared/evacuation';
import { shortTime } from '../../lib/format';

/**
 * When this desk last heard from each other desk of the site: the roll has everyone the
 * other desks had signed in until then, and no one after. Nothing for a desk on its own.
 */
export function RollDesks({ desks }: { desks: RollDesk[] }) {
  if (desks.length === 0) return null;
  return (
    <p className="roll-desks">
      {desks.map((desk) => (
        <span key={desk.desk_id}>
          {desk.name}: {desk.last_heard_time ? `last heard ${shortTime(desk.last_heard_time)}` : 'not heard from yet'}
        </span>
      ))}
    </p>
  );
}
