import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Visitor } from '../../src/shared/api-types';
import type { ExpectedVisit } from '../../src/shared/expected';
import type { Notice } from '../../src/shared/notifications';
import { formatLocalDate } from '../../src/shared/dates';
import { makeImage } from '../helpers/images';
import { startMailServer, startSilentServer, startWebhookReceiver, type MailServer } from '../helpers/mail-server';
import { decodeQr } from '../helpers/qr';
import { until } from '../helpers/until';
import { checkInForm, errorCode, freePort, jsonRequest, startTestServer, type TestServer } from '../helpers/server';

let image: Buffer;
beforeAll(async () => {
  image = await makeImage('jpeg', 640, 480);
});

async function hostWithEmail(server: TestServer, email: string, name = 'Grace Hopper'): Promise<number> {
  const made = await server.api('/v1/admin/visitees', jsonRequest('POST', { name, email }));
  return ((await made.json()) as { data: { visitee_no: number } }).data.visitee_no;
}

async function checkIn(server: TestServer, visiteeNo: number, name = 'Ada Lovelace'): Promise<string> {
  const response = await server.api('/v1/add', {
    method: 'POST',
    body: checkInForm(image, { visitee_no: String(visiteeNo), name, purpose: 'Interview' }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { visitor_id: string }).visitor_id;
}

const visitor = async (server: TestServer, id: string): Promise<Visitor> => {
  const page = (await (await server.api('/v1/log?limit=200')).json()) as { data: Visitor[] };
  return page.data.find((one) => one.visitor_id === id)!;
};

const notices = async (server: TestServer, status?: string): Promise<Notice[]> =>
  (
    (await (await server.api(`/v1/admin/notifications${status ? `?status=${status}` : ''}`)).json()) as {
      data: Notice[];
    }
  ).data;

const patchSettings = (server: TestServer, body: unknown) =>
  server.api('/v1/admin/settings', jsonRequest('PATCH', body));

describe('notice channels in the settings', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('keeps the SMTP password out of every answer and out of the database file', async () => {
    const password = 'pa55-Unique-Secret-7781';
    const set = await patchSettings(server, {
      smtp_url: `smtp://desk:${password}@127.0.0.1:2525`,
      smtp_from: 'Front desk <desk@example.org>',
    });
    expect(set.status).toBe(200);
    const text = await set.text();
    expect(text).not.toContain(password);
    expect((JSON.parse(text) as { data: { smtp_url: string } }).data.smtp_url).toBe('smtp://desk:***@127.0.0.1:2525');
    const read = await (await server.api('/v1/admin/settings')).text();
    expect(read).not.toContain(password);
    // Sent back as read, the masked URL keeps the password; the audit trail never names it.
    await patchSettings(server, { smtp_url: 'smtp://desk:***@127.0.0.1:2525' });
    expect(server.context.notify).toBeDefined();
    expect(await (await server.api('/v1/admin/audit')).text()).not.toContain(password);
    for (const file of fs.readdirSync(server.dataDir).filter((name) => name.startsWith('frontdesk.db'))) {
      expect(fs.readFileSync(path.join(server.dataDir, file)).includes(Buffer.from(password))).toBe(false);
    }
  });

  it('refuses what is not an SMTP URL or an https webhook, naming the setting, and changes nothing', async () => {
    const before = await (await server.api('/v1/admin/settings')).json();
    for (const body of [
      { smtp_url: 'mail.example.org' },
      { smtp_url: 'http://mail.example.org' },
      { smtp_url: 'smtp://mail.example.org:25/path' },
      { webhook_url: 'http://hooks.example.org/x' },
      { webhook_url: 'ftp://hooks.example.org/x' },
      { webhook_url: 'https://user:pw@hooks.example.org/x' },
      { notify_thumbnail: 'yes' },
      { smtp_from: 'nobody' },
    ]) {
      const response = await patchSettings(server, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = ((await response.json()) as { errors: { code: string; message: string } }).errors;
      expect(error.code).toBe('2400');
      expect(error.message).toContain(Object.keys(body)[0]!);
    }
    expect(await (await server.api('/v1/admin/settings')).json()).toEqual(before);
  });

  it('shows a webhook’s signing secret once, in the answer that made it', async () => {
    const first = (await (await patchSettings(server, { webhook_url: 'https://hooks.example.org/in' })).json()) as {
      data: { webhook_secret?: string };
    };
    expect(first.data.webhook_secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const again = (await (await server.api('/v1/admin/settings')).json()) as { data: { webhook_secret?: string } };
    expect(again.data.webhook_secret).toBeUndefined();
    const rotated = (await (await patchSettings(server, { rotate_webhook_secret: true })).json()) as {
      data: { webhook_secret?: string };
    };
    expect(rotated.data.webhook_secret).toMatch(/^whsec_/);
    expect(rotated.data.webhook_secret).not.toBe(first.data.webhook_secret);
    await patchSettings(server, { webhook_url: null });
  });

  it('is refused to staff who are not admins', async () => {
    const made = await server.api(
      '/v1/admin/users',
      jsonRequest('POST', { username: 'desk2', password: 'another long pass', role: 'reception' }),
    );
    expect(made.status).toBe(201);
    const login = await fetch(`${server.url}/v1/oauth/`, {
      method: 'POST',
      body: new URLSearchParams({ username: 'desk2', password: 'another long pass' }),
    });
    const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    for (const [pathname, init] of [
      ['/v1/admin/notifications', {}],
      ['/v1/admin/notifications/test', jsonRequest('POST', { to: 'a@example.org' })],
      ['/v1/admin/notifications/1/retry', { method: 'POST' }],
    ] as const) {
      const response = await server.api(pathname, { ...init, auth: token });
      expect(response.status, pathname).toBe(403);
    }
  });
});

describe('arrival notices by e-mail', () => {
  let server: TestServer;
  let mail: MailServer;
  beforeAll(async () => {
    mail = await startMailServer({ user: { name: 'desk', pass: 'smtp-pass' } });
    server = await startTestServer({ notify: { retryBaseMs: 100, deadlineMs: 2000 } });
    await patchSettings(server, { smtp_url: mail.url, smtp_from: 'Front desk <desk@example.org>' });
  });
  afterAll(async () => {
    await server.stop();
    await mail.close();
  });

  it('sends a test message and says what the server answered', async () => {
    const answer = (await (
      await server.api('/v1/admin/notifications/test', jsonRequest('POST', { to: 'it@example.org' }))
    ).json()) as {
      data: { sent: boolean; answer: string };
    };
    expect(answer.data.sent).toBe(true);
    expect(answer.data.answer).toMatch(/^250/);
    const [test] = await mail.waitFor(1);
    expect(test!.parsed.subject).toBe('Frontdesk test message');
    mail.received.length = 0;
  });

  it('tells the host, without making the check-in wait, and shows "sent" on the visitor', async () => {
    const host = await hostWithEmail(server, 'grace@example.org');
    // The mail server holds every message until released: the check-in answers anyway.
    mail.hold();
    const id = await checkIn(server, host);
    expect((await visitor(server, id)).notification).toMatchObject({ status: 'pending', channel: 'email' });
    mail.release();
    const [message] = await mail.waitFor(1);
    expect(message!.to).toEqual(['grace@example.org']);
    expect(message!.parsed.subject).toBe('Ada Lovelace has arrived');
    const text = message!.parsed.text ?? '';
    for (const part of ['Ada Lovelace', 'Interview', 'Card:', 'Desk:', 'Time:']) expect(text).toContain(part);
    // No face leaves the desk unless the setting says so.
    expect(message!.parsed.attachments).toHaveLength(0);
    const shown = await until(async () => {
      const found = (await visitor(server, id)).notification;
      return found?.status === 'sent' ? found : undefined;
    });
    expect(shown.error).toBeNull();
    mail.received.length = 0;
  });

  it('attaches the thumbnail, never the full photo, only when notify_thumbnail is on', async () => {
    await patchSettings(server, { notify_thumbnail: true });
    const host = await hostWithEmail(server, 'thumb@example.org');
    await checkIn(server, host, 'Thumb Nail');
    const [message] = await mail.waitFor(1);
    expect(message!.parsed.attachments).toHaveLength(1);
    const attached = message!.parsed.attachments[0]!;
    expect(attached.contentType).toBe('image/jpeg');
    expect(attached.content.length).toBeLessThan(image.length);
    await patchSettings(server, { notify_thumbnail: false });
    mail.received.length = 0;
  });

  it('stops a notice the server refuses for good (550), with the reason', async () => {
    mail.refuse('nobody@example.org');
    const host = await hostWithEmail(server, 'nobody@example.org', 'No Body');
    const id = await checkIn(server, host, 'Refused Visitor');
    const failed = await until(async () => {
      const found = (await visitor(server, id)).notification;
      return found?.status === 'failed' ? found : undefined;
    });
    expect(failed.error).toMatch(/550/);
    const [listed] = (await notices(server, 'failed')).filter((notice) => notice.visitor_id === id);
    expect(listed!.attempts).toBe(1);
  });

  it('does not write a notice for a host without an e-mail address', async () => {
    const made = await server.api('/v1/admin/visitees', jsonRequest('POST', { name: 'No Mail' }));
    const host = ((await made.json()) as { data: { visitee_no: number } }).data.visitee_no;
    const id = await checkIn(server, host, 'Plain Visitor');
    expect((await visitor(server, id)).notification).toBeNull();
  });
});

describe('when the mail server is away', () => {
  const servers: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const one of servers.splice(0)) await one.stop();
  });

  it('keeps the notice pending with the reason, and delivers it once the server is back', async () => {
    const port = await freePort();
    const server = await startTestServer({ notify: { retryBaseMs: 100, deadlineMs: 2000 } });
    servers.push(server);
    await patchSettings(server, { smtp_url: `smtp://127.0.0.1:${port}`, smtp_from: 'desk@example.org' });
    const host = await hostWithEmail(server, 'later@example.org');
    const id = await checkIn(server, host);
    const pending = await until(async () => {
      const found = (await visitor(server, id)).notification;
      return found?.error ? found : undefined;
    });
    expect(pending).toMatchObject({ status: 'pending', error: 'mail server unreachable' });
    const mail = await startMailServer({ port });
    servers.push({ stop: () => mail.close() });
    const [message] = await mail.waitFor(1);
    expect(message!.parsed.subject).toBe('Ada Lovelace has arrived');
    await until(async () => (await visitor(server, id)).notification?.status === 'sent');
    // Every attempt was the same message: one Message-ID however often it was tried.
    const [notice] = (await notices(server)).filter((one) => one.visitor_id === id);
    expect(notice!.attempts).toBeGreaterThan(1);
    expect(mail.received.map((one) => one.messageId)).toEqual([message!.messageId]);
  });

  it('gives a hung server no more than the deadline, and the desk answers meanwhile', async () => {
    const silent = await startSilentServer();
    servers.push({ stop: silent.close });
    const server = await startTestServer({ notify: { retryBaseMs: 60_000, deadlineMs: 1000 } });
    servers.push(server);
    await patchSettings(server, { smtp_url: `smtp://127.0.0.1:${silent.port}`, smtp_from: 'desk@example.org' });
    const host = await hostWithEmail(server, 'hung@example.org');
    const id = await checkIn(server, host);
    expect((await server.api('/v1/log')).status).toBe(200);
    const pending = await until(async () => {
      const found = (await visitor(server, id)).notification;
      return found?.error ? found : undefined;
    });
    expect(pending.error).toBe('mail server did not answer within 1 s');
  });

  it('tries again a server that took the message and dropped the connection', async () => {
    const mail = await startMailServer();
    servers.push({ stop: () => mail.close() });
    mail.dropOnData(true);
    const server = await startTestServer({ notify: { retryBaseMs: 100, deadlineMs: 2000 } });
    servers.push(server);
    await patchSettings(server, { smtp_url: mail.url, smtp_from: 'desk@example.org' });
    const host = await hostWithEmail(server, 'dropped@example.org');
    const id = await checkIn(server, host);
    await until(async () => (await visitor(server, id)).notification?.error ?? undefined);
    mail.dropOnData(false);
    await mail.waitFor(1);
    await until(async () => (await visitor(server, id)).notification?.status === 'sent');
  });

  it('drops an erased visitor’s pending notice and its content', async () => {
    const port = await freePort();
    const server = await startTestServer({ notify: { retryBaseMs: 60_000, deadlineMs: 1000 } });
    servers.push(server);
    await patchSettings(server, { smtp_url: `smtp://127.0.0.1:${port}`, smtp_from: 'desk@example.org' });
    const host = await hostWithEmail(server, 'erased@example.org');
    const name = 'Zebedee Quasimodo-Erasable';
    const id = await checkIn(server, host, name);
    expect((await notices(server, 'pending')).some((notice) => notice.visitor_id === id)).toBe(true);
    const erased = await server.api(`/v1/admin/visitors/${id}/erase`, jsonRequest('POST', { reason: 'request' }));
    expect(erased.status).toBe(200);
    expect((await notices(server)).some((notice) => notice.visitor_id === id)).toBe(false);
    expect((await visitor(server, id)).notification).toBeNull();
    for (const file of fs.readdirSync(server.dataDir).filter((one) => one.startsWith('frontdesk.db'))) {
      expect(fs.readFileSync(path.join(server.dataDir, file)).includes(Buffer.from('Quasimodo-Erasable')), file).toBe(
        false,
      );
    }
  });

  it('sends a failed notice again on "retry now", and refuses one already sent', async () => {
    const mail = await startMailServer();
    servers.push({ stop: () => mail.close() });
    mail.refuse('once@example.org');
    const server = await startTestServer({ notify: { retryBaseMs: 100, deadlineMs: 2000 } });
    servers.push(server);
    await patchSettings(server, { smtp_url: mail.url, smtp_from: 'desk@example.org' });
    const host = await hostWithEmail(server, 'once@example.org');
    const id = await checkIn(server, host);
    await until(async () => (await visitor(server, id)).notification?.status === 'failed');
    const [failed] = (await notices(server, 'failed')).filter((notice) => notice.visitor_id === id);
    // The admin moves the desk to a server that knows the mailbox: "retry now" sends it at once.
    const fresh = await startMailServer();
    servers.push({ stop: () => fresh.close() });
    await patchSettings(server, { smtp_url: fresh.url });
    const retried = await server.api(`/v1/admin/notifications/${failed!.notice_id}/retry`, { method: 'POST' });
    expect(retried.status).toBe(200);
    await fresh.waitFor(1);
    await until(async () => (await visitor(server, id)).notification?.status === 'sent');
    const again = await server.api(`/v1/admin/notifications/${failed!.notice_id}/retry`, { method: 'POST' });
    expect(await errorCode(again)).toBe('2409');
    expect(await errorCode(await server.api('/v1/admin/notifications/999999/retry', { method: 'POST' }))).toBe('3404');
    const audit = await (await server.api('/v1/admin/audit?action=notice.retry')).text();
    expect(audit).toContain(`notice ${failed!.notice_id}`);
  });
});

describe('arrival notices by webhook', () => {
  it('posts signed JSON, retries a 500 and stops at a 400', async () => {
    const hook = await startWebhookReceiver();
    const server = await startTestServer({ notify: { retryBaseMs: 100, deadlineMs: 2000 } });
    try {
      const set = (await (await patchSettings(server, { webhook_url: hook.url })).json()) as {
        data: { webhook_secret: string };
      };
      const secret = set.data.webhook_secret;
      const made = await server.api('/v1/admin/visitees', jsonRequest('POST', { name: 'Hook Host' }));
      const host = ((await made.json()) as { data: { visitee_no: number } }).data.visitee_no;
      hook.answer(500);
      const id = await checkIn(server, host, 'Webhook Visitor');
      await hook.waitFor(2);
      hook.answer(204);
      await until(async () => (await visitor(server, id)).notification?.status === 'sent');
      const last = hook.posts.at(-1)!;
      const body = JSON.parse(last.body) as Record<string, unknown>;
      expect(body).toMatchObject({ event: 'visitor.arrived', visitor_id: id, visitee_no: host });
      expect(String(body.text)).toContain('Webhook Visitor has arrived for Hook Host');
      expect(last.headers['x-frontdesk-signature']).toBe(
        `sha256=${createHmac('sha256', secret).update(last.body).digest('hex')}`,
      );
      // Every attempt at one notice carries one delivery ID.
      expect(new Set(hook.posts.map((post) => post.headers['x-frontdesk-delivery'])).size).toBe(1);

      hook.answer(400);
      const refused = await checkIn(server, host, 'Refused Hook');
      const failed = await until(async () => {
        const found = (await visitor(server, refused)).notification;
        return found?.status === 'failed' ? found : undefined;
      });
      expect(failed.error).toBe('webhook answered HTTP 400');
    } finally {
      await server.stop();
      await hook.close();
    }
  });
});

describe('invitations', () => {
  let server: TestServer;
  let mail: MailServer;
  beforeAll(async () => {
    mail = await startMailServer();
    server = await startTestServer({ notify: { retryBaseMs: 100, deadlineMs: 2000 } });
    await patchSettings(server, { smtp_url: mail.url, smtp_from: 'Acme Reception <desk@acme.example>' });
  });
  afterAll(async () => {
    await server.stop();
    await mail.close();
  });

  const expect_ = async (body: Record<string, unknown>): Promise<ExpectedVisit> => {
    const response = await server.api('/v1/expected', jsonRequest('POST', body));
    expect(response.status).toBe(201);
    return ((await response.json()) as { data: ExpectedVisit }).data;
  };

  it('e-mails the visitor a QR code holding only a token, and a calendar file; the desk finds the visit by it', async () => {
    const host = await hostWithEmail(server, 'host@acme.example', 'Hedy Lamarr');
    const today = formatLocalDate(new Date());
    const visit = await expect_({
      name: 'Katherine Johnson',
      expected_date: today,
      expected_time: '10:30',
      visitee_no: host,
      email: 'kj@example.org',
    });
    expect(visit.email).toBe('kj@example.org');
    const [message] = await mail.waitFor(1);
    expect(message!.to).toEqual(['kj@example.org']);
    expect(message!.parsed.subject).toContain('Your visit to Acme Reception');
    expect(message!.parsed.text).toContain('Hedy Lamarr');
    const qr = message!.parsed.attachments.find((attachment) => attachment.contentType === 'image/png');
    const ics = message!.parsed.attachments.find((attachment) => attachment.contentType.startsWith('text/calendar'));
    expect(ics?.content.toString('utf8')).toContain(`DTSTART:${today.replaceAll('-', '')}T103000`);
    const token = await decodeQr(qr!.content);
    expect(token).toMatch(/^[0-9A-F]{64}$/);
    expect(token).not.toContain('Katherine');

    const found = (await (await server.api(`/v1/expected/by-token/${token!}`)).json()) as { data: ExpectedVisit };
    expect(found.data.expected_id).toBe(visit.expected_id);
    const printed = await server.api(`/v1/expected/${visit.expected_id}/qr.png`);
    expect(printed.headers.get('content-type')).toBe('image/png');
    expect(await decodeQr(Buffer.from(await printed.arrayBuffer()))).toBe(token);
    await until(async () => {
      const listed = (await (await server.api('/v1/expected')).json()) as { data: ExpectedVisit[] };
      return listed.data.find((one) => one.expected_id === visit.expected_id)?.invited_time ?? undefined;
    });

    // Once arrived, the token is spent.
    const arrived = await server.api('/v1/add', {
      method: 'POST',
      body: checkInForm(image, { name: 'Katherine Johnson', expected_id: String(visit.expected_id) }),
    });
    expect(arrived.status).toBe(200);
    const spent = await server.api(`/v1/expected/by-token/${token!}`);
    expect(spent.status).toBe(409);
    expect(((await spent.json()) as { errors: { message: string } }).errors.message).toContain('already arrived');
    mail.received.length = 0;
  });

  it('answers 3404 for an unknown token and 2409 for another day or a cancelled visit', async () => {
    expect(await errorCode(await server.api(`/v1/expected/by-token/${'A'.repeat(64)}`))).toBe('3404');
    expect(await errorCode(await server.api('/v1/expected/by-token/not-a-token'))).toBe('3404');
    const tomorrow = formatLocalDate(new Date(Date.now() + 36 * 3600 * 1000));
    const later = await expect_({ name: 'Tomorrow Person', expected_date: tomorrow });
    const token = await decodeQr(
      Buffer.from(await (await server.api(`/v1/expected/${later.expected_id}/qr.png`)).arrayBuffer()),
    );
    const early = await server.api(`/v1/expected/by-token/${token!}`);
    expect(await errorCode(early)).toBe('2409');
    const today = formatLocalDate(new Date());
    const cancelled = await expect_({ name: 'Cancelled Person', expected_date: today });
    await server.api(`/v1/expected/${cancelled.expected_id}`, { method: 'DELETE' });
    const cancelledToken = await decodeQr(
      Buffer.from(await (await server.api(`/v1/expected/${cancelled.expected_id}/qr.png`)).arrayBuffer()),
    );
    const refused = await server.api(`/v1/expected/by-token/${cancelledToken!}`);
    expect(await errorCode(refused)).toBe('2409');
    // No e-mail address: no invitation.
    expect(mail.received).toHaveLength(0);
  });

  it('refuses an e-mail that is not one address', async () => {
    for (const email of ['two@example.org, three@example.org', 'no-at-sign', 'a@b\r\nBcc: x@y']) {
      const response = await server.api(
        '/v1/expected',
        jsonRequest('POST', { name: 'Bad Mail', expected_date: formatLocalDate(new Date()), email }),
      );
      expect(await errorCode(response), email).toBe('2400');
    }
  });
});
