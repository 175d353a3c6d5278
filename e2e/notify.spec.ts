import { chromium, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { formatLocalDate } from '../src/shared/dates';
import { startMailServer, type MailServer, type ReceivedMail } from '../test/helpers/mail-server';
import { apiGet, pageToken } from './api';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';
import { expect, screenshot, signIn, test, type DeskServer } from './fixtures';
import { E2E_STAFF } from './paths';

let mail: MailServer;
test.beforeAll(async () => {
  mail = await startMailServer();
});
test.afterAll(async () => {
  await mail.close();
});

async function openAdministration(page: Page): Promise<void> {
  await page.getByRole('button', { name: E2E_STAFF.username, exact: true }).click();
  await page.getByRole('dialog', { name: 'This desk' }).getByRole('button', { name: 'Administration' }).click();
  await expect(page.getByRole('heading', { name: 'Administration' })).toBeVisible();
}

async function api(desk: DeskServer, token: string, pathname: string, body: unknown): Promise<void> {
  const response = await fetch(desk.url + pathname, {
    method: 'POST',
    headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${pathname}: ${response.status} ${await response.text()}`);
}

/** A received e-mail as a mail program shows it: its HTML with the attached images in place. */
async function showMail(page: Page, message: ReceivedMail, name: string): Promise<void> {
  let html = String(message.parsed.html);
  for (const attachment of message.parsed.attachments) {
    if (!attachment.cid) continue;
    html = html.replaceAll(
      `cid:${attachment.cid}`,
      `data:${attachment.contentType};base64,${attachment.content.toString('base64')}`,
    );
  }
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const head = `<div style="font:14px system-ui;padding:12px;border-bottom:1px solid #ccc;background:#f6f7f9">
    <b>From:</b> ${escape(message.parsed.from?.text ?? '')}<br><b>To:</b> ${escape(message.to.join(', '))}<br>
    <b>Subject:</b> ${escape(message.parsed.subject ?? '')}<br><b>Attachments:</b>
    ${escape(message.parsed.attachments.map((a) => a.filename ?? a.contentType).join(', '))}</div>`;
  // The message in a frame of its own, as a mail program shows it: its own styles, nothing of
  // ours (and not under the desk's Content-Security-Policy, which refuses inline styles).
  await page.goto('about:blank');
  await page.setContent(
    `<body style="margin:0">${head}<iframe srcdoc="${escape(html)}" style="width:100%;height:640px;border:0"></iframe></body>`,
  );
  await screenshot(page, name);
}

test('an admin sets up e-mail, a host hears of their visitor, and the desk shows it', async ({ page, desk }) => {
  mail.received.length = 0;
  mail.refuse('left@example.org');
  await signIn(page, desk);
  await openAdministration(page);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const channels = page.getByRole('form', { name: 'Notification channels' });
  await channels.getByLabel('Mail server').fill(mail.url);
  await channels.getByLabel('Sender').fill('Reception <desk@example.org>');
  await channels.getByLabel('Attach the visitor’s thumbnail to the host’s e-mail').check();
  await expect(channels.getByText(/A small photo of each visitor leaves this desk/)).toBeVisible();
  await channels.getByRole('button', { name: 'Save notification settings' }).click();
  await expect(channels.getByText('Saved.')).toBeVisible();
  await channels.getByLabel('Send a test message to').fill('it@example.org');
  await channels.getByRole('button', { name: 'Send a test message' }).click();
  await expect(channels.locator('.test-answer')).toContainText('Sent. The mail server answered: 250');
  await channels.scrollIntoViewIfNeeded();
  await screenshot(page, '80-settings-notifications');

  const token = await pageToken(page);
  await api(desk, token, '/v1/admin/visitees', { name: 'Hedy Lamarr', email: 'hedy@example.org' });
  await api(desk, token, '/v1/admin/visitees', { name: 'Left Company', email: 'left@example.org' });
  await page.getByRole('button', { name: 'Back to the desk' }).click();

  for (const [name, card, hostName] of [
    ['Grace Notified', '7101', 'Hedy Lamarr'],
    ['Failed Notice', '7102', 'Left Company'],
  ] as const) {
    await page.getByRole('button', { name: '+ Check in visitor' }).click();
    const dialog = page.getByRole('dialog', { name: 'Check in a visitor' });
    await dialog.getByLabel('Full name').fill(name);
    await dialog.getByLabel('Card number').fill(card);
    await dialog.getByLabel('Mobile').fill('+44 7700 900123');
    await dialog.getByLabel('Purpose').fill('Interview');
    await dialog.getByRole('combobox', { name: 'Person visited (optional)' }).fill(hostName.split(' ')[0]!);
    await dialog.getByRole('option', { name: hostName }).click();
    await dialog.getByRole('button', { name: 'Take photo' }).click();
    await dialog.getByRole('button', { name: 'Check in', exact: true }).click();
    await expect(dialog).toHaveCount(0);
  }
  const notified = page.locator('.card', { hasText: 'Grace Notified' });
  await expect(notified.locator('.notice-status')).toHaveAttribute('title', /^Host notified \d\d:\d\d$/);
  await expect(page.locator('.card', { hasText: 'Failed Notice' }).locator('.notice-status')).toHaveAttribute(
    'title',
    /^Notice failed: mail server refused: 550/,
  );
  await screenshot(page, '81-notice-on-cards');
  await notified.locator('.card-open').click();
  const viewer = page.getByRole('dialog', { name: 'Grace Notified' });
  await expect(viewer.getByText(/^Host notified \d\d:\d\d$/)).toBeVisible();
  await screenshot(page, '82-notice-in-viewer');
  await page.keyboard.press('Escape');

  await openAdministration(page);
  await page.getByRole('button', { name: 'Notifications', exact: true }).click();
  const failedRow = page.locator('tr', { hasText: 'left@example.org' });
  await expect(failedRow).toContainText('550');
  await expect(failedRow.getByRole('button', { name: 'Retry now' })).toBeVisible();
  await screenshot(page, '83-notices-list');

  const arrival = mail.received.find((message) => message.parsed.subject === 'Grace Notified has arrived')!;
  expect(arrival.parsed.attachments.map((a) => a.contentType)).toEqual(['image/jpeg']);
  await showMail(page, arrival, '84-arrival-email');
});

/** A Y4M clip (what Chromium's fake camera plays) of one still frame: the invitation held up. */
async function qrClip(png: Buffer): Promise<string> {
  const width = 640;
  const height = 480;
  const { data } = await sharp({ create: { width, height, channels: 3, background: '#d8d2c4' } })
    .composite([{ input: await sharp(png).resize(300, 300, { kernel: 'nearest' }).toBuffer(), gravity: 'centre' }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const y = Buffer.alloc(width * height);
  const u = Buffer.alloc((width * height) / 4);
  const v = Buffer.alloc((width * height) / 4);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const at = (row * width + col) * 3;
      const [r, g, b] = [data[at]!, data[at + 1]!, data[at + 2]!];
      y[row * width + col] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      if (row % 2 === 0 && col % 2 === 0) {
        const half = (row / 2) * (width / 2) + col / 2;
        u[half] = Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
        v[half] = Math.round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
      }
    }
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-qr-')), 'invitation.y4m');
  fs.writeFileSync(
    file,
    Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\nFRAME\n`), y, u, v]),
  );
  return file;
}

test('an expected visitor gets an invitation; the desk scans its QR code and opens the check-in filled in', async ({
  page,
  desk,
}) => {
  mail.received.length = 0;
  await signIn(page, desk);
  const token = await pageToken(page);
  await fetch(`${desk.url}/v1/admin/settings`, {
    method: 'PATCH',
    headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ smtp_url: mail.url, smtp_from: 'Acme Reception <desk@acme.example>' }),
  });
  await page.getByRole('button', { name: /^Expected/ }).click();
  await page.getByRole('button', { name: '+ Expect a visitor' }).click();
  const form = page.getByRole('dialog', { name: 'Expect a visitor' });
  await form.getByLabel('Full name').fill('Katherine Johnson');
  await form.getByLabel('Visitor’s e-mail').fill('katherine@example.org');
  await form.getByRole('button', { name: 'Add to expected' }).click();
  const confirmation = page.getByRole('dialog', { name: 'Visitor expected' });
  await expect(confirmation.getByRole('status')).toContainText(
    'An invitation with a QR code goes to katherine@example.org',
  );
  await page.keyboard.press('Escape');
  const [invitation] = await mail.waitFor(1);
  await expect(page.getByText(/Invitation sent \d\d:\d\d to katherine@example.org/)).toBeVisible();
  await screenshot(page, '85-expected-invited');
  await page.getByRole('button', { name: 'Invitation QR code: Katherine Johnson' }).click();
  const qrDialog = page.getByRole('dialog', { name: 'Invitation of Katherine Johnson' });
  await expect(qrDialog.getByRole('img', { name: /QR code of the invitation/ })).toBeVisible();
  await screenshot(page, '89-invitation-qr');
  await qrDialog.getByRole('button', { name: 'Close' }).click();
  await showMail(page, invitation!, '86-invitation-email');

  // Another desk's browser, its camera showing the invitation's QR code.
  const qr = invitation!.parsed.attachments.find((a) => a.contentType === 'image/png')!.content;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${await qrClip(qr)}`,
    ],
  });
  try {
    const scanning = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(scanning, desk);
    await scanning.getByRole('button', { name: 'Scan invitation' }).click();
    const scanDialog = scanning.getByRole('dialog', { name: 'Scan invitation' });
    await expect(scanDialog.locator('video')).toBeVisible();
    await screenshot(scanning, '87-scan-invitation');
    const checkIn = scanning.getByRole('dialog', { name: 'Check in Katherine Johnson' });
    await expect(checkIn).toBeVisible();
    await expect(checkIn.getByLabel('Full name')).toHaveValue('Katherine Johnson');
    await screenshot(scanning, '88-scanned-check-in');
    const expected = await apiGet<{ data: { name: string; status: string }[] }>(
      desk,
      token,
      `/v1/expected?date=${formatLocalDate(new Date())}`,
    );
    expect(expected.data.find((visit) => visit.name === 'Katherine Johnson')?.status).toBe('expected');
  } finally {
    await browser.close();
  }
});
