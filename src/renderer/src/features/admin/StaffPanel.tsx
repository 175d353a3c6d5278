import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { PASSWORD_MIN, USERNAME_MAX } from '../../../../shared/credentials';
import { ROLE_LABELS, ROLE_NAMES, ROLES, type Role, type StaffAccount } from '../../../../shared/staff';
import { useSession } from '../../app/session';
import { Dialog, FormActions } from '../../lib/Dialog';
import { textField } from '../../lib/form';
import { staffQuery, useAddStaff, useChangeStaff } from '../../queries/admin';
import { FormError } from '../../lib/FormError';

/** Staff accounts: add one, change a role, deactivate, reset a password. */
export function StaffPanel() {
  const { token, username } = useSession();
  const staff = useQuery(staffQuery(token));
  const add = useAddStaff(token);
  const [resetting, setResetting] = useState<StaffAccount | null>(null);
  const [confirming, setConfirming] = useState<PendingChange | null>(null);
  const activeAdmins = (staff.data ?? []).filter((account) => account.active && account.role === 'admin').length;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    add.mutate(
      {
        username: textField(data, 'username').trim(),
        password: textField(data, 'password'),
        role: textField(data, 'role') as Role,
      },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <div className="admin-panel">
      <form className="admin-add" onSubmit={submit} aria-label="Add a staff account">
        <h2>Add a staff account</h2>
        <label>
          Username
          <input name="username" required maxLength={USERNAME_MAX} autoComplete="off" />
        </label>
        <label>
          Password
          <input name="password" type="password" required minLength={PASSWORD_MIN} autoComplete="new-password" />
        </label>
        <label>
          Role
          <select name="role" defaultValue="reception">
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {ROLE_NAMES[role]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={add.isPending}>
          Add account
        </button>
        <ul className="hint role-hints">
          {ROLES.map((role) => (
            <li key={role}>{ROLE_LABELS[role]}</li>
          ))}
        </ul>
        <FormError error={add.error} />
      </form>

      <table className="admin-table" aria-label="Staff accounts">
        <thead>
          <tr>
            <th scope="col">Username</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Added</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(staff.data ?? []).map((account) => {
            // The server refuses to leave the site without an admin: the desk does not offer it.
            const lastAdmin = account.active && account.role === 'admin' && activeAdmins === 1;
            return (
              <tr key={account.user_id} className={account.active ? '' : 'inactive'}>
                <td>
                  {account.username}
                  {account.username === username && <span className="tag">you</span>}
                </td>
                <td>
                  <select
                    aria-label={`Role of ${account.username}`}
                    value={account.role}
                    disabled={lastAdmin}
                    title={lastAdmin ? LAST_ADMIN : undefined}
                    onChange={(event) => setConfirming({ account, patch: { role: event.target.value as Role } })}
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {ROLE_NAMES[role]}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{account.active ? 'Active' : 'Deactivated'}</td>
                <td>{account.created_time.slice(0, 10)}</td>
                <td>
                  <div className="actions">
                    <button type="button" onClick={() => setResetting(account)}>
                      Reset password…
                    </button>
                    {lastAdmin ? (
                      <span className="hint">{LAST_ADMIN}</span>
                    ) : (
                      <button
                        type="button"
                        className={account.active ? 'danger' : ''}
                        onClick={() => setConfirming({ account, patch: { active: !account.active } })}
                      >
                        {account.active ? 'Deactivate…' : 'Reactivate…'}
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="hint">
        Deactivating an account or resetting its password signs it out everywhere at once. The last active administrator
        cannot be demoted or deactivated.
      </p>
      {resetting && <ResetPassword account={resetting} onClose={() => setResetting(null)} />}
      {confirming && <ConfirmChange change={confirming} onClose={() => setConfirming(null)} />}
    </div>
  );
}

const LAST_ADMIN = 'The only active administrator: make another account an admin first.';

interface PendingChange {
  account: StaffAccount;
  patch: { role: Role } | { active: boolean };
}

/** What a staff change does, in words, before it is made. */
function describeChange({ account, patch }: PendingChange): { title: string; consequence: string; action: string } {
  const name = account.username;
  if ('active' in patch) {
    return patch.active
      ? { title: `Reactivate ${name}?`, consequence: `${name} can sign in again.`, action: 'Reactivate' }
      : {
          title: `Deactivate ${name}?`,
          consequence: `${name}’s sessions end at once, on every desk, and ${name} can no longer sign in.`,
          action: 'Deactivate',
        };
  }
  return patch.role === 'admin'
    ? {
        title: `Make ${name} an administrator?`,
        consequence: `${name} will manage staff, hosts and settings, read the audit trail and erase visitors.`,
        action: 'Make administrator',
      }
    : {
        title: `Make ${name} reception?`,
        consequence: `${name} loses Administration at once, on every desk; checking visitors in and out stays.`,
        action: 'Make reception',
      };
}

function ConfirmChange({ change: pending, onClose }: { change: PendingChange; onClose: () => void }) {
  const { token } = useSession();
  const change = useChangeStaff(token);
  const words = describeChange(pending);
  return (
    <Dialog title={words.title} onClose={onClose} className="confirm">
      <form
        className="fields"
        onSubmit={(event) => {
          event.preventDefault();
          change.mutate({ userId: pending.account.user_id, patch: pending.patch }, { onSuccess: onClose });
        }}
      >
        <p>{words.consequence}</p>
        <FormError error={change.error} />
        <FormActions
          onCancel={onClose}
          submit={words.action}
          busy={change.isPending}
          className={'active' in pending.patch && !pending.patch.active ? 'primary danger' : 'primary'}
        />
      </form>
    </Dialog>
  );
}

function ResetPassword({ account, onClose }: { account: StaffAccount; onClose: () => void }) {
  const { token } = useSession();
  const change = useChangeStaff(token);
  return (
    <Dialog title={`New password for ${account.username}`} onClose={onClose} className="confirm">
      <form
        className="fields"
        onSubmit={(event) => {
          event.preventDefault();
          const password = textField(new FormData(event.currentTarget), 'password');
          change.mutate({ userId: account.user_id, patch: { password } }, { onSuccess: onClose });
        }}
      >
        <label>
          New password
          <input
            name="password"
            type="password"
            required
            minLength={PASSWORD_MIN}
            autoComplete="new-password"
            autoFocus
          />
        </label>
        <FormError error={change.error} />
        <FormActions onCancel={onClose} submit="Set password" busy={change.isPending} />
      </form>
    </Dialog>
  );
}
