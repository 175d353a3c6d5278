import { useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { useSession } from '../../app/session';
import { visiteesQuery } from '../../queries/visitors';

/** A searchable list of the people who can be visited (ARIA combobox pattern). */
export function VisiteePicker({
  value,
  onChange,
  error,
}: {
  value: number | null;
  onChange: (visiteeNo: number | null) => void;
  error?: string | undefined;
}) {
  const { token } = useSession();
  const visitees = useQuery(visiteesQuery(token)).data ?? [];
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listId = useId();
  const selected = visitees.find((v) => v.visitee_no === value);
  const matches = useMemo(() => {
    const needle = text.trim().toLocaleLowerCase();
    return visitees.filter((v) => v.name.toLocaleLowerCase().includes(needle)).slice(0, 8);
  }, [visitees, text]);

  const choose = (visiteeNo: number | null, name: string) => {
    onChange(visiteeNo);
    setText(name);
    setOpen(false);
  };

  return (
    <div className="combobox">
      <label htmlFor={`${listId}-input`}>Person visited (optional)</label>
      <input
        id={`${listId}-input`}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && matches[active] ? `${listId}-${matches[active].visitee_no}` : undefined}
        aria-invalid={error ? true : undefined}
        autoComplete="off"
        placeholder="Type to search"
        value={open ? text : (selected?.name ?? text)}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onChange={(event) => {
          setText(event.target.value);
          setActive(0);
          setOpen(true);
          if (value !== null) onChange(null);
        }}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') setActive((i) => Math.min(i + 1, matches.length - 1));
          else if (event.key === 'ArrowUp') setActive((i) => Math.max(i - 1, 0));
          else if (event.key === 'Enter' && open && matches[active])
            choose(matches[active].visitee_no, matches[active].name);
          else return;
          event.preventDefault();
        }}
      />
      {open && matches.length > 0 && (
        <ul id={listId} role="listbox" className="listbox">
          {matches.map((v, i) => (
            <li
              key={v.visitee_no}
              id={`${listId}-${v.visitee_no}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(event) => {
                event.preventDefault();
                choose(v.visitee_no, v.name);
              }}
            >
              {v.name}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
