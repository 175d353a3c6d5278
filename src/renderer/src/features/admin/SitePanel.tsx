import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { SiteDesk, SiteStatus } from '../../../../shared/site';
import { useSession } from '../../app/session';
import { Dialog, FormActions } from '../../lib/Dialog';
import { FormError } from '../../lib/FormError';
import { shortTime } from '../../lib/format';
import { textField } from '../../lib/form';
import {
  siteDesksQuery,
  siteStatusQuery,
  useCreateSite,
  useDeskAddress,
  useInvite,
  useListenAt,
  useRevokeDesk,
} from '../../queries/site';
import { ListenFields, listenFrom } from '../site/ListenFields';

/**
 * Administration → Site (API contract Part 3): a desk on its own becomes the first desk of
 * a site; a desk of a site adds desks with a join code, and shows every desk with when it
 * was last heard from and what each still lacks of the other.
 */
export function SitePanel() {
  const { token } = useSession();
  const status = useQuery(siteStatusQuery(token));
  if (!status.data) return <p className="notice">{status.error?.message ?? 'Loading…'}</p>;
  if (!status.data.site) return <CreateSite hosts={status.data.peer_hosts} />;
  return <SiteDesks site={status.data.site} hosts={status.data.peer_hosts} />;
}

function CreateSite({ hosts }: { hosts: string[] }) {
  const { token } = useSession();
  const create = useCreateSite(token);
  return (
    <div className="admin-panel">
      <form
        className="admin-add site-create"
        aria-label="Make this desk the first desk of a site"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          create.mutate({
            name: textField(form, 'name').trim(),
            desk_name: textField(form, 'desk-name').trim(),
            listen: listenFrom(form),
          });
        }}
      >
        <h2>This desk is on its own</h2>
        <p className="hint">
          A building with several entrances runs a desk at each. Desks of one site hold the whole site — every visitor,
          exit, host, staff account and roll call — work on their own when the network is down, and catch up with each
          other when it is back.
        </p>
        <label>
          Site
          <input name="name" required maxLength={200} placeholder="Head office" />
        </label>
        <label>
          This desk
          <input name="desk-name" required maxLength={100} placeholder="Front door" />
        </label>
        <ListenFields hosts={hosts} />
        <button type="submit" className="primary" disabled={create.isPending}>
          Make this desk the first of a site
        </button>
        <FormError error={create.error} />
      </form>
    </div>
  );
}

function SiteDesks({ site, hosts }: { site: NonNullable<SiteStatus['site']>; hosts: string[] }) {
  const { token } = useSession();
  const desks = useQuery(siteDesksQuery(token));
  const invite = useInvite(token);
  const [moving, setMoving] = useState(false);
  const [addressing, setAddressing] = useState<SiteDesk | null>(null);
  const [revoking, setRevoking] = useState<SiteDesk | null>(null);
  return (
    <div className="admin-panel site-panel">
      <section className="site-head" aria-label="This desk">
        <h2>{site.name}</h2>
        <p>
          This desk: <strong>{site.desk_name}</strong>, listening for the other desks at{' '}
          <code>{site.listening ?? 'nowhere yet'}</code>{' '}
          <button type="button" className="link" onClick={() => setMoving(true)}>
            Change…
          </button>
        </p>
        <button type="button" className="primary" disabled={invite.isPending} onClick={() => invite.mutate()}>
          Add a desk
        </button>
        <FormError error={invite.error} />
        {invite.data && (
          <div className="join-code" role="status">
            <p>On the new desk, choose “Join a site” on its first screen, and enter:</p>
            <dl>
              <dt>Address</dt>
              <dd>
                <code>{invite.data.address}</code>
              </dd>
              <dt>Code</dt>
              <dd>
                <code className="code">{invite.data.code}</code>
              </dd>
            </dl>
            <p className="hint">Valid once, until {shortTime(invite.data.expires_time)}.</p>
          </div>
        )}
      </section>
      <table className="admin-table" aria-label="Desks of the site">
        <thead>
          <tr>
            <th scope="col">Desk</th>
            <th scope="col">Address</th>
            <th scope="col">Last heard</th>
            <th scope="col">Changes to send</th>
            <th scope="col">Changes to receive</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(desks.data?.desks ?? []).map((desk) => {
            const self = desk.desk_id === desks.data?.desk_id;
            return (
              <tr key={desk.desk_id} className={desk.revoked ? 'inactive' : ''}>
                <td>
                  {desk.name}
                  {self && <span className="tag">this desk</span>}
                  {desk.revoked && <span className="tag">revoked</span>}
                </td>
                <td>
                  <code>{desk.address ?? '—'}</code>
                </td>
                <td>{self ? '—' : desk.last_heard_time ? shortTime(desk.last_heard_time) : 'Not yet'}</td>
                <td>{self ? '—' : desk.pending_to}</td>
                <td>{self ? '—' : desk.pending_from}</td>
                <td>
                  {!self && !desk.revoked && (
                    <div className="actions">
                      <button type="button" onClick={() => setAddressing(desk)}>
                        Set address…
                      </button>
                      <button type="button" className="danger" onClick={() => setRevoking(desk)}>
                        Revoke…
                      </button>
                    </div>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="hint">
        Desks reach each other over HTTPS at the addresses shown: the network must let each desk’s port through from the
        other desks. Changes made while a desk is off or out of reach wait, and are exchanged when it is back.
      </p>
      {moving && <MoveListener current={site.listening} hosts={hosts} onClose={() => setMoving(false)} />}
      {addressing && <DeskAddress desk={addressing} onClose={() => setAddressing(null)} />}
      {revoking && <RevokeDesk desk={revoking} onClose={() => setRevoking(null)} />}
    </div>
  );
}

function MoveListener({ current, hosts, onClose }: { current: string | null; hosts: string[]; onClose: () => void }) {
  const { token } = useSession();
  const listen = useListenAt(token);
  return (
    <Dialog title="Where this desk listens for the other desks" onClose={onClose} className="confirm">
      <form
        className="fields"
        onSubmit={(event) => {
          event.preventDefault();
          listen.mutate(listenFrom(new FormData(event.currentTarget)), { onSuccess: onClose });
        }}
      >
        <ListenFields hosts={hosts} current={current} />
        <p className="hint">The other desks learn the new address the next time this desk reaches them.</p>
        <FormError error={listen.error} />
        <FormActions onCancel={onClose} submit="Listen here" busy={listen.isPending} />
      </form>
    </Dialog>
  );
}

function DeskAddress({ desk, onClose }: { desk: SiteDesk; onClose: () => void }) {
  const { token } = useSession();
  const change = useDeskAddress(token);
  return (
    <Dialog title={`Where this desk reaches ${desk.name}`} onClose={onClose} className="confirm">
      <form
        className="fields"
        onSubmit={(event) => {
          event.preventDefault();
          const address = textField(new FormData(event.currentTarget), 'address').trim();
          change.mutate({ deskId: desk.desk_id, address }, { onSuccess: onClose });
        }}
      >
        <label>
          Address
          <input
            name="address"
            required
            defaultValue={desk.address ?? 'https://'}
            pattern="https://[^/\s?#@]+:\d{1,5}/?"
            title="https://host:port"
            autoFocus
          />
        </label>
        <p className="hint">For when the desk moved (a new address on the network) and this desk cannot find it.</p>
        <FormError error={change.error} />
        <FormActions onCancel={onClose} submit="Set address" busy={change.isPending} />
      </form>
    </Dialog>
  );
}

function RevokeDesk({ desk, onClose }: { desk: SiteDesk; onClose: () => void }) {
  const { token } = useSession();
  const revoke = useRevokeDesk(token);
  return (
    <Dialog title={`Revoke ${desk.name}?`} onClose={onClose} className="confirm">
      <form
        className="fields"
        onSubmit={(event) => {
          event.preventDefault();
          revoke.mutate(desk.desk_id, { onSuccess: onClose });
        }}
      >
        <p>
          For a stolen or retired kiosk: from now on no desk of the site sends {desk.name} anything or takes anything
          from it. This cannot be undone; a replacement joins as a new desk.
        </p>
        <FormError error={revoke.error} />
        <FormActions onCancel={onClose} submit="Revoke" busy={revoke.isPending} className="primary danger" />
      </form>
    </Dialog>
  );
}
