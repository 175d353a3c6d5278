import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { ChannelSettings } from '../../../../shared/notifications';
import { useSession } from '../../app/session';
import { FormError } from '../../lib/FormError';
import { settingsQuery, useChangeSettings } from '../../queries/admin';
import { SaveActions } from './SaveActions';
import { useSendTestMessage } from '../../queries/notifications';

/** Settings → Notifications: where this desk's notices go (API contract Part 4, Channels). */
export function ChannelsPanel() {
  const { token } = useSession();
  const settings = useQuery(settingsQuery(token));
  const change = useChangeSettings(token);
  // The test message outlives the form's remount after a save: what was typed stays.
  const [testTo, setTestTo] = useState('');
  const test = useSendTestMessage(token);
  if (!settings.data) return null;
  const channels: ChannelSettings = {
    smtp_url: settings.data.smtp_url,
    smtp_from: settings.data.smtp_from,
    webhook_url: settings.data.webhook_url,
    notify_thumbnail: settings.data.notify_thumbnail,
  };
  // Keyed by the saved values: after a save the form starts from them.
  return (
    <ChannelsForm
      key={JSON.stringify(channels)}
      saved={channels}
      change={change}
      testMessage={{ to: testTo, setTo: setTestTo, test }}
    />
  );
}

interface TestMessage {
  to: string;
  setTo: (to: string) => void;
  test: ReturnType<typeof useSendTestMessage>;
}

const blankIsNull = (text: string): string | null => (text.trim() === '' ? null : text.trim());

function ChannelsForm({
  saved,
  change,
  testMessage,
}: {
  saved: ChannelSettings;
  change: ReturnType<typeof useChangeSettings>;
  testMessage: TestMessage;
}) {
  const { to: testTo, setTo: setTestTo, test } = testMessage;
  const [smtpUrl, setSmtpUrl] = useState(saved.smtp_url ?? '');
  const [from, setFrom] = useState(saved.smtp_from ?? '');
  const [webhook, setWebhook] = useState(saved.webhook_url ?? '');
  const [thumbnail, setThumbnail] = useState(saved.notify_thumbnail);
  const draft: ChannelSettings = {
    smtp_url: blankIsNull(smtpUrl),
    smtp_from: blankIsNull(from),
    webhook_url: blankIsNull(webhook),
    notify_thumbnail: thumbnail,
  };
  const changed = Object.fromEntries(
    Object.entries(draft).filter(([key, value]) => value !== saved[key as keyof ChannelSettings]),
  );
  const dirty = Object.keys(changed).length > 0;
  // The answer that made a webhook secret is the only one that shows it.
  const secret = change.data?.data.webhook_secret;

  function submit(event: FormEvent) {
    event.preventDefault();
    change.mutate(changed);
  }

  return (
    <form onSubmit={submit} aria-label="Notification channels" className="admin-panel settings">
      <h2>Notifications</h2>
      <p className="consequence">
        These are this desk’s own: each desk sends the notices of the check-ins made at it. With several desks, set them
        at each one.
      </p>
      <fieldset>
        <legend>E-mail to hosts</legend>
        <label>
          Mail server
          <input
            value={smtpUrl}
            onChange={(event) => setSmtpUrl(event.target.value)}
            placeholder="smtp://user:password@mail.example.org:587"
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <label>
          Sender
          <input
            value={from}
            onChange={(event) => setFrom(event.target.value)}
            placeholder="Front desk <desk@example.org>"
          />
        </label>
        <p className="consequence">
          {draft.smtp_url === null
            ? 'E-mail is off: hosts are not told, and expected visitors get no invitation.'
            : 'A host with an e-mail address hears of each visitor’s arrival; an expected visitor with an e-mail address gets an invitation with a QR code. The password is kept sealed on this computer and never shown again.'}
        </p>
        <div className="inline-actions">
          <input
            type="email"
            aria-label="Send a test message to"
            placeholder="you@example.org"
            value={testTo}
            onChange={(event) => setTestTo(event.target.value)}
          />
          <button
            type="button"
            disabled={saved.smtp_url === null || testTo.trim() === '' || test.isPending}
            title={saved.smtp_url === null ? 'Save a mail server first' : undefined}
            onClick={() => test.mutate(testTo.trim())}
          >
            {test.isPending ? 'Sending…' : 'Send a test message'}
          </button>
        </div>
        <FormError error={test.error} />
        {test.data && (
          <p className={`test-answer ${test.data.sent ? 'ok' : 'bad'}`} role="status">
            {test.data.sent ? 'Sent. The mail server answered: ' : 'Not sent: '}
            <code>{test.data.answer}</code>
          </p>
        )}
      </fieldset>

      <fieldset>
        <legend>Webhook (Slack, Teams, anything)</legend>
        <label>
          URL
          <input
            value={webhook}
            onChange={(event) => setWebhook(event.target.value)}
            placeholder="https://hooks.slack.com/services/…"
            spellCheck={false}
          />
        </label>
        <p className="consequence">
          Each arrival is posted as JSON with a <code>text</code> line, signed in the header{' '}
          <code>X-Frontdesk-Signature</code> with a secret shown once, when it is made.
        </p>
        {secret && (
          <p className="secret-once" role="status">
            Signing secret (shown only now — copy it to the receiver): <code>{secret}</code>
          </p>
        )}
        {saved.webhook_url !== null && (
          <button type="button" onClick={() => change.mutate({ rotate_webhook_secret: true })}>
            Make a new signing secret
          </button>
        )}
      </fieldset>

      <fieldset>
        <legend>The visitor’s face</legend>
        <label className="checkbox">
          <input type="checkbox" checked={thumbnail} onChange={(event) => setThumbnail(event.target.checked)} />
          Attach the visitor’s thumbnail to the host’s e-mail
        </label>
        <p className="consequence">
          {thumbnail
            ? 'A small photo of each visitor leaves this desk in the e-mail: mail servers and mailboxes keep it, beyond this desk’s retention and erasure. Tell visitors.'
            : 'Off: no face leaves this desk; the e-mail says who arrived in words only.'}
        </p>
      </fieldset>

      <SaveActions error={change.error} saved={change.isSuccess} dirty={dirty} pending={change.isPending}>
        Save notification settings
      </SaveActions>
    </form>
  );
}
