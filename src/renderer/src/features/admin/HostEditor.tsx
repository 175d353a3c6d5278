import { HOST_NAME_MAX, HOST_TEXT_MAX, type Host } from '../../../../shared/hosts';
import { useSession } from '../../app/session';
import { Dialog, FormActions } from '../../lib/Dialog';
import { textField } from '../../lib/form';
import { useChangeHost } from '../../queries/admin';
import { FormError } from '../../lib/FormError';

/** Edits one host; deactivating keeps their name on past visits and stops check-in offering them. */
export function HostEditor({ host, onClose }: { host: Host; onClose: () => void }) {
  const { token } = useSession();
  const change = useChangeHost(token);
  return (
    <Dialog title={`Edit ${host.name}`} onClose={onClose} className="confirm">
      <form
        className="fields"
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          change.mutate(
            {
              visiteeNo: host.visitee_no,
              patch: {
                name: textField(data, 'name'),
                department: textField(data, 'department'),
                email: textField(data, 'email'),
                phone: textField(data, 'phone'),
                active: data.get('active') === 'on',
              },
            },
            { onSuccess: onClose },
          );
        }}
      >
        <label>
          Name
          <input name="name" required maxLength={HOST_NAME_MAX} defaultValue={host.name} autoFocus />
        </label>
        <label>
          Department
          <input name="department" maxLength={HOST_TEXT_MAX} defaultValue={host.department ?? ''} />
        </label>
        <label>
          E-mail
          <input name="email" type="email" defaultValue={host.email ?? ''} />
        </label>
        <label>
          Phone
          <input name="phone" type="tel" defaultValue={host.phone ?? ''} />
        </label>
        <label className="checkbox">
          <input name="active" type="checkbox" defaultChecked={host.active} />
          Can be visited (offered at check-in)
        </label>
        <FormError error={change.error} />
        <FormActions onCancel={onClose} submit="Save" busy={change.isPending} />
      </form>
    </Dialog>
  );
}
