import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import type { RollPerson } from '../../../../shared/evacuation';
import { useSession } from '../../app/session';
import { Dialog } from '../../lib/Dialog';
import { printNow } from '../../lib/print-now';
import { evacuationQuery, useCloseEvacuation, useMarkAccounted } from '../../queries/evacuations';
import { Thumbnail } from '../log/Thumbnail';
import { RollDesks } from './RollDesks';
import { RollPrint } from './RollPrint';
import { FormError } from '../../lib/FormError';

/**
 * The roll call: everyone who was on the premises at the alarm, large thumbnails to
 * recognise them by, a tap (or Enter) to mark someone safe and again to undo. Several
 * desks mark the same roll; the events stream keeps every screen current. Closed, it is
 * the report: read-only, printable.
 */
export function RollCall({ evacuationId, onClose }: { evacuationId: number; onClose: () => void }) {
  const { token } = useSession();
  const evacuation = useQuery(evacuationQuery(token, evacuationId));
  const mark = useMarkAccounted(token, evacuationId);
  const close = useCloseEvacuation(token, evacuationId);
  const [search, setSearch] = useState('');
  const needle = useDeferredValue(search.trim().toLocaleLowerCase());
  const [onlyMissing, setOnlyMissing] = useState(false);
  const [closing, setClosing] = useState(false);

  const roll = evacuation.data;
  if (!roll) {
    return <p className="notice">{evacuation.error?.message ?? 'Loading the roll…'}</p>;
  }
  const open = roll.closed_time === null;
  const accounted = roll.people.filter((p) => p.accounted_time).length;
  const shown = roll.people.filter(
    (person) =>
      (!onlyMissing || !person.accounted_time) &&
      (!needle || person.name.toLocaleLowerCase().includes(needle) || String(person.card_no) === needle),
  );
  const toggle = (person: RollPerson) => {
    // Taps in quick succession are each sent: a mark is never dropped while another is saved.
    if (open) mark.mutate({ visitorId: person.visitor_id, safe: !person.accounted_time });
  };

  return (
    <section className={`roll-call ${roll.kind}`} aria-labelledby="roll-title">
      <header className="roll-head">
        <div>
          <h1 id="roll-title">
            {roll.kind === 'real' ? 'Evacuation' : 'Evacuation drill'} — {open ? 'roll call' : 'report'}
          </h1>
          <p>
            Alarm at {roll.started_time}
            {roll.started_by ? ` (started by ${roll.started_by})` : ''}
            {roll.closed_time ? ` · closed ${roll.closed_time} by ${roll.closed_by ?? '—'}` : ''}
          </p>
          <RollDesks desks={roll.desks} />
        </div>
        <p className="roll-count" role="status" aria-live="polite">
          <strong>{accounted}</strong> of <strong>{roll.people.length}</strong> accounted
        </p>
        <span className="spacer" />
        <button type="button" onClick={() => void printNow()}>
          Print the roll
        </button>
        {open && (
          <button type="button" className="primary" onClick={() => setClosing(true)}>
            Close roll call…
          </button>
        )}
        <button type="button" onClick={onClose}>
          {open ? 'Back to the desk' : 'Back'}
        </button>
      </header>
      <div className="roll-tools">
        <input
          type="search"
          aria-label="Find a person on the roll by name or card"
          placeholder="Find by name or card; Enter marks the one found safe"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          onKeyDown={(event) => {
            // One person found: Enter marks them safe (again undoes), and the search is ready for the next.
            if (event.key !== 'Enter' || shown.length !== 1) return;
            event.preventDefault();
            toggle(shown[0]!);
            setSearch('');
          }}
        />
        <label className="checkbox">
          <input type="checkbox" checked={onlyMissing} onChange={(event) => setOnlyMissing(event.target.checked)} />
          Not yet accounted ({roll.people.length - accounted})
        </label>
      </div>
      <FormError error={mark.error} />
      {roll.people.length === 0 && <p className="notice">Nobody was on the premises at the alarm.</p>}
      <ul className="roll-grid" aria-label="The roll">
        {shown.map((person) => (
          <li key={person.visitor_id}>
            <button
              type="button"
              className={`roll-person ${person.accounted_time ? 'safe' : ''}`}
              aria-pressed={person.accounted_time !== null}
              disabled={!open}
              onClick={() => toggle(person)}
            >
              <Thumbnail visitor={person} />
              <span className="roll-name">{person.name}</span>
              <span className="detail">
                #{person.card_no}
                {person.visitee_name ? ` · ${person.visitee_name}` : ''}
              </span>
              {person.mobile && (
                <span className="detail roll-mobile">
                  <span aria-hidden="true">☎ </span>
                  {person.mobile}
                </span>
              )}
              <span className="roll-state">
                {person.accounted_time
                  ? `✓ SAFE ${person.accounted_time.slice(11, 16)}${person.accounted_by ? ` · ${person.accounted_by}` : ''}`
                  : '✗ NOT YET ACCOUNTED'}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {closing && (
        <Dialog title="Close the roll call?" onClose={() => setClosing(false)} className="confirm">
          <p>
            {roll.people.length - accounted === 0
              ? 'Everyone is accounted for.'
              : `${roll.people.length - accounted} ${roll.people.length - accounted === 1 ? 'person is' : 'people are'} not accounted for.`}{' '}
            The roll becomes the report (History → Evacuations) and can no longer change.
          </p>
          <FormError error={close.error} />
          <div className="dialog-actions">
            <span className="spacer" />
            <button type="button" onClick={() => setClosing(false)}>
              Keep it open
            </button>
            <button
              type="button"
              className="primary"
              onClick={() => close.mutate(undefined, { onSuccess: () => setClosing(false) })}
            >
              Close roll call
            </button>
          </div>
        </Dialog>
      )}
      <RollPrint evacuation={roll} />
    </section>
  );
}
