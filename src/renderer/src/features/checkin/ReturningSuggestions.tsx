import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { RETURNING_QUERY_MIN, type ReturningVisitor } from '../../../../shared/returning';
import { useSession } from '../../app/session';
import { shortTime } from '../../lib/format';
import { returningQuery } from '../../queries/checkin-flows';
import { Thumbnail } from '../log/Thumbnail';

/** How long typing must pause before the desk asks: one request per word typed, not per key. */
const PAUSE_MS = 150;

/**
 * Earlier visitors whose name or mobile starts with what is being typed (API contract Part 5),
 * each with the thumbnail of their latest visit; choosing one fills the form.
 */
export function ReturningSuggestions({
  text,
  onChoose,
}: {
  text: string;
  onChoose: (person: ReturningVisitor) => void;
}) {
  const { token } = useSession();
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  const found = useQuery({ ...returningQuery(token, q), enabled: q.length >= RETURNING_QUERY_MIN });
  const people = q.length >= RETURNING_QUERY_MIN ? (found.data ?? []) : [];
  if (people.length === 0) return null;
  return (
    <section className="returning" aria-labelledby="returning-title">
      <p className="hint" id="returning-title" role="status">
        Been here before?{' '}
        {people.length === 1 ? 'One earlier visitor matches' : `${people.length} earlier visitors match`}: choose to
        fill the form.
      </p>
      <ul>
        {people.map((person) => (
          <li key={person.visitor_id}>
            <button type="button" className="returning-person" onClick={() => onChoose(person)}>
              <Thumbnail visitor={{ ...person, thumbhash: null }} className="small" />
              <span>
                <span className="name">{person.name}</span>
                <span className="detail">
                  {person.mobile} · last visit {shortTime(person.last_visit_time)}
                </span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
