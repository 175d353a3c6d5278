import fc from 'fast-check';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/server/context';
import { openDatabase } from '../../src/server/db/connection';
import { noticesRepository } from '../../src/server/db/repositories/notices';
import type { Visitor } from '../../src/shared/api-types';
import type { Notice } from '../../src/shared/notifications';
import { formatLocalDate } from '../../src/shared/dates';
import { makeImage } from '../helpers/images';
import { until } from '../helpers/until';
import { startDrippingServer, startMailServer, startWebhookReceiver } from '../helpers/mail-server';
import {
  checkInForm,
  errorCode,
  freePort,
  jsonRequest,
  startTestServer,
  tempDataDir,
  type TestServer,
} from '../helpers/server';

/** Notifications under attack: what a reviewer found, each kept from coming back. */

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

let image: Buffer;
beforeAll(async () => {
  image = await makeImage('jpeg', 320, 240);
});

async function desk(options: { retryBaseMs: number; deadlineMs: number }): Promise<TestServer> {
  const server = await startTestServer({ notify: options });
  cleanup.push(() => server.stop());
  return server;
}

const patch = (server: TestServer, body: unknown) => server.api('/v1/admin/settings', jsonRequest('PATCH', body));

async function host(server: TestServer, email?: string, name = 'Grace Hopper'): Promise<number> {
  const made = await server.api('/v1/admin/visitees', jsonRequest('POST', email ? { name, email } : { name }));
  return ((await made.json()) as { data: { visitee_no: number } }).data.visitee_no;
}

async function checkIn(server: TestServer, visiteeNo: number, name = 'Ada Lovelace'): Promise<string> {
  const response = await server.api('/v1/add', {
    method: 'POST',
    body: checkInForm(image, { visitee_no: String(visiteeNo), name }),
  });
  return ((await response.json()) as { visitor_id: string }).visitor_id;
}

const notices = async (server: TestServer): Promise<Notice[]> =>
  ((await (await server.api('/v1/admin/notifications')).json()) as { data: Notice[] }).data;

it('cuts a mail server that answers a byte at a time off at the deadline, socket and all', async () => {
  const slow = await startDrippingServer();
  cleanup.push(slow.close);
  const server = await desk({ retryBaseMs: 60_000, deadlineMs: 1000 });
  await patch(server, { smtp_url: `smtp://127.0.0.1:${slow.port}`, smtp_from: 'desk@example.org' });
  const id = await checkIn(server, await host(server, 'grace@example.org'));
  const notice = await until(async () => (await notices(server)).find((one) => one.visitor_id === id && one.error));
  expect(notice.error).toBe('mail server did not answer within 1 s');
  expect(slow.messages()).toBe(1);
  // The connection the desk gave up on is closed, not left for the server to finish the message on.
  await until(() => slow.connections() === 0);
});

it('stays responsive while another process holds the write lock as a notice comes due', async () => {
  const port = await freePort(); // nothing listens: every attempt fails at once
  const server = await desk({ retryBaseMs: 300, deadlineMs: 1000 });
  await patch(server, { smtp_url: `smtp://127.0.0.1:${port}`, smtp_from: 'desk@example.org' });
  const id = await checkIn(server, await host(server, 'grace@example.org'));
  await until(async () => (await notices(server)).find((one) => one.visitor_id === id && one.error));
  // Another process takes the write lock and keeps it until told to let go.
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `const db = new (require('better-sqlite3'))(process.argv[1]); db.exec('BEGIN IMMEDIATE');
       process.stdout.write('locked\\n'); process.stdin.once('data', () => { db.exec('COMMIT'); process.exit(0); });`,
      path.join(server.dataDir, DATABASE_FILE),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise((resolve) => holder.once('exit', resolve));
  cleanup.push(async () => {
    holder.stdin.end('go\n');
    await exited;
  });
  await new Promise((resolve) => holder.stdout.once('data', resolve));
  // The notice comes due under the lock. The desk waits for the lock to go, rather than
  // spinning on it: over a second and a half it spends well under half of it on the CPU (the
  // spin spent all of it and answered requests seconds late). A busier machine only lowers it.
  const [pending] = (await notices(server)).filter((one) => one.visitor_id === id);
  const due = Date.parse(pending!.next_time!.replace(' ', 'T'));
  await until(() => Date.now() > due + 200);
  const cpuBefore = process.cpuUsage();
  const wallBefore = Date.now();
  await until(() => Date.now() > wallBefore + 1500);
  const cpu = process.cpuUsage(cpuBefore);
  expect((cpu.user + cpu.system) / 1000).toBeLessThan((Date.now() - wallBefore) / 2);
  for (let i = 0; i < 5; i++) expect((await server.api('/v1/log')).status).toBe(200);
});

it('lets one of two processes reading the same due notice lease it', () => {
  const dir = tempDataDir();
  cleanup.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'outbox.db');
  const first = openDatabase(file);
  const second = openDatabase(file);
  cleanup.push(async () => {
    first.close();
    second.close();
  });
  const [a, b] = [noticesRepository(first), noticesRepository(second)];
  a.insert({
    kind: 'arrival',
    channel: 'email',
    visitor_id: 'v',
    expected_id: null,
    shown: true,
    recipient: 'x@example.org',
    message_id: '<1@x>',
    content: '{}',
    created_at: 1000,
  });
  const [seenByA] = a.due('email', 2000, 5);
  const [seenByB] = b.due('email', 2000, 5);
  const leased = [
    a.lease(seenByA!.notice_id, seenByA!.attempts, 2000, 32_000),
    b.lease(seenByB!.notice_id, seenByB!.attempts, 2000, 32_000),
  ];
  expect(leased).toEqual([true, false]);
  expect(a.byId(seenByA!.notice_id)!.attempts).toBe(1);
});

it('never sends a kept password to a server other than the one it was entered for', async () => {
  const server = await desk({ retryBaseMs: 60_000, deadlineMs: 2000 });
  await patch(server, { smtp_url: 'smtp://desk:Kept-Secret-5521@127.0.0.1:2525' });
  const elsewhere = await patch(server, { smtp_url: 'smtp://desk:***@127.0.0.1:2626' });
  expect(await errorCode(elsewhere)).toBe('2400');
  const moved = await patch(server, { smtp_url: 'smtp://desk:***@127.0.0.1:2525' });
  expect(moved.status).toBe(200);
  // A password the URL cannot carry is refused in words, not as a server fault.
  const percent = await patch(server, { smtp_url: 'smtp://desk:100%pure@127.0.0.1:2525' });
  expect(percent.status).toBe(400);
  expect(((await percent.json()) as { errors: { message: string } }).errors.message).toContain('%25');
});

it('keeps a webhook’s path (its credential) out of reads and of the audit trail, and escapes chat markup', async () => {
  const hook = await startWebhookReceiver();
  cleanup.push(hook.close);
  const server = await desk({ retryBaseMs: 60_000, deadlineMs: 2000 });
  const secretPath = '/services/T000/B000/SecretPathToken77';
  const url = hook.url.replace('/hook', secretPath);
  expect((await patch(server, { webhook_url: url })).status).toBe(200);
  const read = await (await server.api('/v1/admin/settings')).text();
  expect(read).not.toContain('SecretPathToken77');
  expect(read).toContain('/***');
  expect(await (await server.api('/v1/admin/audit')).text()).not.toContain('SecretPathToken77');
  // Sent back as read, it stays where it was.
  await patch(server, { webhook_url: (JSON.parse(read) as { data: { webhook_url: string } }).data.webhook_url });
  const id = await checkIn(server, await host(server), '<!channel> <https://evil.example|Approve>');
  const [post] = await hook.waitFor(1);
  const body = JSON.parse(post!.body) as { text: string; visitor_id: string };
  expect(body.visitor_id).toBe(id);
  expect(body.text).toContain('&lt;!channel&gt; &lt;https://evil.example|Approve&gt; has arrived');
});

it('erases an invitation’s address with its visitor, and never writes it into the audit trail', async () => {
  const mail = await startMailServer();
  cleanup.push(mail.close);
  mail.refuse('zebedee.private@example.org');
  const server = await desk({ retryBaseMs: 60_000, deadlineMs: 2000 });
  await patch(server, { smtp_url: mail.url, smtp_from: 'desk@example.org' });
  const made = await server.api(
    '/v1/expected',
    jsonRequest('POST', {
      name: 'Zebedee Private',
      expected_date: formatLocalDate(new Date()),
      email: 'zebedee.private@example.org',
    }),
  );
  const visit = ((await made.json()) as { data: { expected_id: number } }).data;
  const refused = await until(async () => (await notices(server)).find((one) => one.status === 'failed'));
  await server.api(`/v1/admin/notifications/${refused.notice_id}/retry`, { method: 'POST' });
  const arrived = await server.api('/v1/add', {
    method: 'POST',
    body: checkInForm(image, { name: 'Zebedee Private', expected_id: String(visit.expected_id) }),
  });
  const { visitor_id } = (await arrived.json()) as { visitor_id: string };
  await server.api(`/v1/admin/visitors/${visitor_id}/erase`, jsonRequest('POST', { reason: 'request' }));
  expect(JSON.stringify(await notices(server))).not.toContain('zebedee');
  expect(await (await server.api('/v1/admin/audit')).text()).not.toContain('zebedee');
  const log = (await (await server.api('/v1/log')).json()) as { data: Visitor[] };
  expect(log.data.find((one) => one.visitor_id === visitor_id)?.name).toBe('Erased visitor');
  for (const file of fs.readdirSync(server.dataDir).filter((one) => one.startsWith('frontdesk.db'))) {
    expect(fs.readFileSync(path.join(server.dataDir, file)).includes(Buffer.from('zebedee.private')), file).toBe(false);
  }
});

it('lets a webhook go out while the mail server hangs', async () => {
  const slow = await startDrippingServer();
  cleanup.push(slow.close);
  const hook = await startWebhookReceiver();
  cleanup.push(hook.close);
  const server = await desk({ retryBaseMs: 60_000, deadlineMs: 60_000 });
  await patch(server, {
    smtp_url: `smtp://127.0.0.1:${slow.port}`,
    smtp_from: 'desk@example.org',
    webhook_url: hook.url,
  });
  const visiteeNo = await host(server, 'grace@example.org');
  for (let i = 0; i < 6; i++) await checkIn(server, visiteeNo, `Visitor ${i}`);
  // Every arrival's webhook arrives while the mail server holds its senders (its deadline is a minute).
  await hook.waitFor(6);
  expect(slow.connections()).toBeGreaterThan(0);
});

it('answers any channel setting and any invitation address with 200 or a 2400 naming it, and a refusal changes nothing', async () => {
  const server = await desk({ retryBaseMs: 60_000, deadlineMs: 1000 });
  const settings = async () => (await server.api('/v1/admin/settings')).text();
  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.constantFrom('smtp://', 'smtps://a:%@b', 'https://x', 'http://127.0.0.1:1/x', 'smtp://u:***@h:1', 'a@b'),
    fc.webUrl(),
  );
  const field = fc.constantFrom('smtp_url', 'smtp_from', 'webhook_url', 'notify_thumbnail');
  await fc.assert(
    fc.asyncProperty(field, fc.oneof(text, fc.constant(null), fc.boolean(), fc.integer()), async (key, value) => {
      const before = await settings();
      const answer = await patch(server, { [key]: value });
      if (answer.status === 400) {
        const { errors } = (await answer.json()) as { errors: { code: string; message: string } };
        expect(errors.code).toBe('2400');
        expect(errors.message).toContain(key);
        expect(await settings()).toBe(before);
      } else expect(answer.status).toBe(200);
    }),
    { numRuns: 150 },
  );
  await fc.assert(
    fc.asyncProperty(text, async (email) => {
      const answer = await server.api(
        '/v1/expected',
        jsonRequest('POST', { name: 'Fuzz', expected_date: formatLocalDate(new Date()), email }),
      );
      expect([201, 400]).toContain(answer.status);
      if (answer.status === 400) expect(await errorCode(answer)).toBe('2400');
    }),
    { numRuns: 100 },
  );
});

it('sends what a failed server held back as soon as the admin sets another server, or presses Retry now', async () => {
  const port = await freePort();
  // A minute's wait after each failure: only the admin's action can send within this test.
  const server = await desk({ retryBaseMs: 60_000, deadlineMs: 2000 });
  await patch(server, { smtp_url: `smtp://127.0.0.1:${port}`, smtp_from: 'desk@example.org' });
  const visiteeNo = await host(server, 'grace@example.org');
  const first = await checkIn(server, visiteeNo, 'First Held');
  await until(async () => (await notices(server)).find((one) => one.visitor_id === first && one.error));
  const mail = await startMailServer();
  cleanup.push(mail.close);
  expect((await patch(server, { smtp_url: mail.url })).status).toBe(200);
  const [delivered] = await mail.waitFor(1);
  expect(delivered!.parsed.subject).toBe('First Held has arrived');

  // The same server away again, then back on its port: Retry now sends at once.
  const again = await freePort();
  await patch(server, { smtp_url: `smtp://127.0.0.1:${again}` });
  const second = await checkIn(server, visiteeNo, 'Second Held');
  const held = await until(async () => (await notices(server)).find((one) => one.visitor_id === second && one.error));
  const back = await startMailServer({ port: again });
  cleanup.push(back.close);
  expect((await server.api(`/v1/admin/notifications/${held.notice_id}/retry`, { method: 'POST' })).status).toBe(200);
  const [retried] = await back.waitFor(1);
  expect(retried!.parsed.subject).toBe('Second Held has arrived');
});
