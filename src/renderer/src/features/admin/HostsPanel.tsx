import { useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useMemo, useRef, useState, type FormEvent } from 'react';
import { HOST_NAME_MAX, HOST_TEXT_MAX, type Host } from '../../../../shared/hosts';
import { useSession } from '../../app/session';
import { textField } from '../../lib/form';
import { hostsQuery, useAddHost } from '../../queries/admin';
import { HostEditor } from './HostEditor';
import { HostImport } from './HostImport';
import { FormError } from '../../lib/FormError';

const ROW_HEIGHT = 44;

/** The people visitors come to see: add, edit, deactivate, import from a spreadsheet. */
export function HostsPanel() {
  const { token } = useSession();
  const hosts = useQuery(hostsQuery(token));
  const add = useAddHost(token);
  const [search, setSearch] = useState('');
  const needle = useDeferredValue(search.trim().toLocaleLowerCase());
  const [editing, setEditing] = useState<Host | null>(null);
  const [importing, setImporting] = useState(false);

  const shown = useMemo(() => {
    const all = hosts.data ?? [];
    if (!needle) return all;
    return all.filter((host) =>
      [host.name, host.email, host.department].some((text) => text?.toLocaleLowerCase().includes(needle)),
    );
  }, [hosts.data, needle]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    add.mutate(
      {
        name: textField(data, 'name'),
        email: textField(data, 'email'),
        phone: textField(data, 'phone'),
        department: textField(data, 'department'),
      },
      { onSuccess: () => form.reset() },
    );
  }

  const active = (hosts.data ?? []).filter((host) => host.active).length;

  return (
    <div className="admin-panel hosts">
      <form className="admin-add" onSubmit={submit} aria-label="Add a host">
        <h2>Add a host</h2>
        <label>
          Name
          <input name="name" required maxLength={HOST_NAME_MAX} autoComplete="off" />
        </label>
        <label>
          Department
          <input name="department" maxLength={HOST_TEXT_MAX} autoComplete="off" />
        </label>
        <label>
          E-mail
          <input name="email" type="email" autoComplete="off" />
        </label>
        <label>
          Phone
          <input name="phone" type="tel" autoComplete="off" />
        </label>
        <button type="submit" className="primary" disabled={add.isPending}>
          Add host
        </button>
        <FormError error={add.error} />
      </form>

      <div className="admin-toolbar">
        <input
          type="search"
          aria-label="Search hosts by name, e-mail or department"
          placeholder="Search hosts"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
        <span className="hint">
          {active.toLocaleString()} active of {(hosts.data?.length ?? 0).toLocaleString()}
        </span>
        <span className="spacer" />
        <button type="button" onClick={() => setImporting(true)}>
          Import from CSV…
        </button>
      </div>

      <div className="host-table" role="table" aria-label="Hosts" aria-rowcount={shown.length + 1}>
        <div className="host-row head" role="row" aria-rowindex={1}>
          <span role="columnheader">Name</span>
          <span role="columnheader">Department</span>
          <span role="columnheader">E-mail</span>
          <span role="columnheader">Phone</span>
          <span role="columnheader">Status</span>
          <span role="columnheader">
            <span className="visually-hidden">Actions</span>
          </span>
        </div>
        <div className="host-scroll" ref={scrollRef}>
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="rowgroup">
            {virtualizer.getVirtualItems().map((item) => {
              const host = shown[item.index]!;
              return (
                <div
                  key={host.visitee_no}
                  role="row"
                  aria-rowindex={item.index + 2}
                  className={`host-row ${host.active ? '' : 'inactive'}`}
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}
                >
                  <span role="cell">{host.name}</span>
                  <span role="cell">{host.department ?? ''}</span>
                  <span role="cell">{host.email ?? ''}</span>
                  <span role="cell">{host.phone ?? ''}</span>
                  <span role="cell">{host.active ? 'Active' : 'Inactive'}</span>
                  <span role="cell">
                    <button type="button" onClick={() => setEditing(host)} aria-label={`Edit ${host.name}`}>
                      Edit
                    </button>
                  </span>
                </div>
              );
            })}
          </div>
          {hosts.isSuccess && shown.length === 0 && (
            <p className="notice">{needle ? `No host matches “${search.trim()}”.` : 'No hosts yet.'}</p>
          )}
        </div>
      </div>
      {editing && <HostEditor host={editing} onClose={() => setEditing(null)} />}
      {importing && <HostImport onClose={() => setImporting(false)} />}
    </div>
  );
}
