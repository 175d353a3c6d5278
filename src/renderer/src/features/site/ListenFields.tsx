import { DEFAULT_PEER_PORT, listenAtOf, type ListenAt } from '../../../../shared/site';
import { textField } from '../../lib/form';

/**
 * Where this desk listens for the other desks of its site: one of this computer's addresses
 * (the LAN one first) and a port the site's network lets through between the desks.
 */
export function ListenFields({ hosts, current }: { hosts: string[]; current?: string | null | undefined }) {
  const now = current ? listenAtOf(current) : undefined;
  const host = now?.host;
  const choices = host && !hosts.includes(host) ? [host, ...hosts] : hosts;
  return (
    <>
      <label>
        This desk’s address on the network
        <select name="listen-host" defaultValue={host ?? choices[0]}>
          {choices.map((choice) => (
            <option key={choice} value={choice}>
              {choice}
              {choice === '127.0.0.1' ? ' (this computer only)' : ''}
            </option>
          ))}
        </select>
      </label>
      <label>
        Port
        <input
          name="listen-port"
          type="number"
          min={1}
          max={65535}
          required
          defaultValue={now?.port ?? DEFAULT_PEER_PORT}
        />
      </label>
    </>
  );
}

/** The address ListenFields chose. */
export function listenFrom(form: FormData): ListenAt {
  return { host: textField(form, 'listen-host'), port: Number(textField(form, 'listen-port')) };
}
