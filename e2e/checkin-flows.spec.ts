import type { Locator, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Visitor } from '../src/shared/api-types';
import type { AuditPageResponse } from '../src/shared/audit';
import { apiGet, pageToken } from './api';
import { expect, screenshot, signIn, test, type DeskServer } from './fixtures';
import { ARTIFACTS, E2E_STAFF } from './paths';

async function openAdministration(page: Page, section: string): Promise<void> {
  await page.getByRole('button', { name: E2E_STAFF.username, exact: true }).click();
  await page.getByRole('dialog', { name: 'This desk' }).getByRole('button', { name: 'Administration' }).click();
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('button', { name: section }).click();
}

async function backToDesk(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Back to the desk' }).click();
  await expect(page.getByRole('button', { name: /On site now/ })).toBeVisible();
}

/** A signature drawn with the mouse: a wave, then a stroke under it. */
async function drawSignature(page: Page, pad: Locator): Promise<void> {
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + 30, box.y + box.height / 2);
  await page.mouse.down();
  for (let x = 30; x < box.width - 30; x += 12) {
    await page.mouse.move(box.x + x, box.y + box.height / 2 + 30 * Math.sin(x / 25), { steps: 2 });
  }
  await page.mouse.up();
  await page.mouse.move(box.x + 50, box.y + box.height - 25);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 60, box.y + box.height - 30, { steps: 12 });
  await page.mouse.up();
}

async function openCheckIn(page: Page) {
  await page.getByRole('button', { name: '+ Check in visitor' }).click();
  return page.getByRole('dialog', { name: 'Check in a visitor' });
}

async function post(desk: DeskServer, token: string, pathname: string, body: unknown): Promise<void> {
  const response = await fetch(desk.url + pathname, {
    method: 'POST',
    headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${pathname}: ${response.status} ${await response.text()}`);
}

test('a contractor reads the safety rules and signs on the screen; the signed copy is a PDF', async ({
  page,
  desk,
}) => {
  await signIn(page, desk);
  await openAdministration(page, 'Visitor types');
  await page.getByRole('button', { name: 'Add an agreement' }).click();
  const editor = page.getByRole('form', { name: 'Add an agreement' });
  await editor.getByLabel('Title').fill('Site safety rules');
  await editor
    .getByLabel(/^Text/)
    .fill(
      '# Before you start\n\nYou are on a **working site**.\n\n- Wear a hard hat and boots\n- Stay with your escort\n- Report any accident at reception\n\nIn an evacuation, go to the *car park* assembly point.',
    );
  await editor.getByRole('button', { name: 'Add agreement' }).click();
  await expect(page.getByText('version 1', { exact: true })).toBeVisible();
  await page
    .getByRole('row', { name: /Contractor/ })
    .getByRole('button', { name: 'Edit' })
    .click();
  const contractor = page.getByRole('form', { name: 'Change Contractor' });
  await contractor.getByRole('combobox').selectOption({ label: 'Site safety rules (version 1)' });
  await contractor.getByLabel('Note for the badge').fill('Escort at all times');
  await contractor.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('row', { name: /Contractor.*Site safety rules/ })).toBeVisible();
  await screenshot(page, '90-admin-visitor-types');

  await backToDesk(page);
  const dialog = await openCheckIn(page);
  await dialog.getByText('Contractor', { exact: true }).click();
  await dialog.getByLabel('Full name').fill('Kofi Builder');
  await dialog.getByLabel('Card number').fill('8101');
  await dialog.getByLabel('Mobile').fill('+44 7700 900801');
  await dialog.getByLabel('Purpose').fill('Roof repair');
  await dialog.getByRole('button', { name: 'Take photo' }).click();
  await dialog.getByRole('button', { name: 'Check in', exact: true }).click();
  const sign = page.getByRole('dialog', { name: 'Site safety rules' });
  await expect(sign.getByRole('heading', { name: 'Before you start' })).toBeVisible();
  // Nothing drawn: the desk says so and sends nothing.
  await sign.getByRole('button', { name: 'I agree and sign' }).click();
  await expect(sign.getByText('Sign in the box first.')).toBeVisible();
  await drawSignature(page, sign.locator('canvas'));
  await expect(sign.getByText('Signed', { exact: true })).toBeVisible();
  await screenshot(page, '91-sign-agreement');
  await sign.getByRole('button', { name: 'I agree and sign' }).click();
  await expect(dialog).toHaveCount(0);

  const card = page.locator('.card', { hasText: 'Kofi Builder' });
  await expect(card.locator('.type-chip')).toHaveText('Contractor');
  await screenshot(page, '92-contractor-card');
  await card.locator('.card-open').click();
  const viewer = page.getByRole('dialog', { name: 'Kofi Builder' });
  await expect(viewer.getByText(/Site safety rules, version 1, signed/)).toBeVisible();
  await screenshot(page, '93-viewer-signed-agreement');
  const download = page.waitForEvent('download');
  await viewer.getByRole('button', { name: 'Signed copy (PDF)' }).click();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-pdf-')), 'agreement.pdf');
  await (await download).saveAs(file);
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  for (const expected of ['Site safety rules', 'Version 1', 'Kofi Builder', 'Wear a hard hat and boots', 'car park']) {
    expect(text).toContain(expected);
  }
  // The page as it prints, to look at.
  execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', file, path.join(ARTIFACTS, '94-signed-copy-pdf')]);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  const token = await pageToken(page);
  const views = await apiGet<AuditPageResponse>(desk, token, '/v1/admin/audit?action=agreement.view');
  expect(views.data).toHaveLength(1);
  await viewer.getByRole('button', { name: 'Close' }).click();

  // A second contractor signs too (the pad is sized afresh each time the dialog opens), and a
  // signature made for the Contractor's agreement is not sent once another type is chosen.
  const second = await openCheckIn(page);
  await second.getByText('Contractor', { exact: true }).click();
  await second.getByRole('button', { name: 'Read and sign' }).click();
  const again = page.getByRole('dialog', { name: 'Site safety rules' });
  await drawSignature(page, again.locator('canvas'));
  await again.getByRole('button', { name: 'I agree and sign' }).click();
  await expect(second.getByText(/Site safety rules signed \(version 1\)/)).toBeVisible();
  await second.getByText('Visitor', { exact: true }).click();
  await expect(second.getByText(/signed \(version 1\)/)).toHaveCount(0);
  await second.getByLabel('Full name').fill('Vera Visitor');
  await second.getByLabel('Card number').fill('8105');
  await second.getByLabel('Mobile').fill('+44 7700 900805');
  await second.getByLabel('Purpose').fill('Meeting');
  await second.getByRole('button', { name: 'Take photo' }).click();
  await second.getByRole('button', { name: 'Check in', exact: true }).click();
  await expect(second).toHaveCount(0);
  const vera = (await apiGet<{ data: Visitor[] }>(desk, token, '/v1/log?q=vera')).data[0]!;
  expect([vera.type_name, vera.agreement]).toEqual(['Visitor', null]);
  const third = await openCheckIn(page);
  await third.getByText('Contractor', { exact: true }).click();
  await third.getByLabel('Full name').fill('Tomas Twice');
  await third.getByLabel('Card number').fill('8106');
  await third.getByLabel('Mobile').fill('+44 7700 900806');
  await third.getByLabel('Purpose').fill('Wiring');
  await third.getByRole('button', { name: 'Take photo' }).click();
  await third.getByRole('button', { name: 'Check in', exact: true }).click();
  const sign3 = page.getByRole('dialog', { name: 'Site safety rules' });
  const box = (await sign3.locator('canvas').boundingBox())!;
  expect(box.width).toBeGreaterThan(100);
  await drawSignature(page, sign3.locator('canvas'));
  await sign3.getByRole('button', { name: 'I agree and sign' }).click();
  await expect(third).toHaveCount(0);
  const tomas = (await apiGet<{ data: Visitor[] }>(desk, token, '/v1/log?q=tomas')).data[0]!;
  expect(tomas.agreement?.title).toBe('Site safety rules');
});

test('the watchlist stops a check-in with its reason, and an admin lets the person in with a note', async ({
  page,
  desk,
}) => {
  await signIn(page, desk);
  await openAdministration(page, 'Watchlist');
  const add = page.getByRole('form', { name: 'Add to the watchlist' });
  await add.getByLabel('Name').fill('Mallory Banned');
  await add.getByLabel(/^Reason/).fill('Threatened staff on 3 November: call security');
  await add.getByRole('button', { name: 'Add entry' }).click();
  await expect(page.getByRole('cell', { name: 'Mallory Banned' })).toBeVisible();
  await screenshot(page, '95-admin-watchlist');
  await backToDesk(page);

  const dialog = await openCheckIn(page);
  await dialog.getByLabel('Full name').fill('  mallory   BANNED');
  await dialog.getByLabel('Card number').fill('8102');
  await dialog.getByLabel('Mobile').fill('+44 7700 900802');
  await dialog.getByLabel('Purpose').fill('Meeting');
  await dialog.getByRole('button', { name: 'Take photo' }).click();
  await dialog.getByRole('button', { name: 'Check in', exact: true }).click();
  const stop = page.getByRole('dialog', { name: 'Stop: this person is on the watchlist' });
  await expect(stop.getByText('On the watchlist: Threatened staff on 3 November: call security')).toBeVisible();
  await screenshot(page, '96-watchlist-stop');
  await stop.getByLabel(/Let them in anyway/).fill('Security escorted them to HR');
  await stop.getByRole('button', { name: 'Let in anyway' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.locator('.card', { hasText: 'mallory BANNED' })).toBeVisible();
  const token = await pageToken(page);
  const trail = await apiGet<AuditPageResponse>(desk, token, '/v1/admin/audit?action=watchlist.override');
  expect(trail.data[0]?.detail).toContain('Security escorted them to HR');
  const matches = await apiGet<AuditPageResponse>(desk, token, '/v1/admin/audit?action=watchlist.match');
  expect(JSON.stringify(matches.data).toLowerCase()).not.toContain('mallory');
});

test('a returning visitor is found as the name is typed and checked in with a new photo', async ({ page, desk }) => {
  await signIn(page, desk);
  const first = await openCheckIn(page);
  await first.getByLabel('Full name').fill('Rosalind Returning');
  await first.getByLabel('Card number').fill('8103');
  await first.getByLabel('Mobile').fill('+44 7700 900803');
  await first.getByLabel('Purpose').fill('Quarterly audit');
  await first.getByRole('button', { name: 'Take photo' }).click();
  await first.getByRole('button', { name: 'Check in', exact: true }).click();
  await expect(first).toHaveCount(0);
  const token = await pageToken(page);
  const [rosalind] = (await apiGet<{ data: { visitor_id: string }[] }>(desk, token, '/v1/log?q=rosalind')).data;
  await fetch(`${desk.url}/v1/exit/${rosalind!.visitor_id}`, { headers: { authorization: `Token ${token}` } });
  await post(desk, token, '/v1/admin/visitees', { name: 'Unused Host' }).catch(() => undefined);

  const dialog = await openCheckIn(page);
  await dialog.getByLabel('Full name').fill('Ros');
  const suggestion = dialog.getByRole('button', { name: /Rosalind Returning/ });
  await expect(suggestion).toBeVisible();
  await expect(suggestion.locator('img.thumb')).toBeVisible();
  await screenshot(page, '97-returning-visitor');
  await suggestion.click();
  await expect(dialog.getByLabel('Full name')).toHaveValue('Rosalind Returning');
  await expect(dialog.getByLabel('Mobile')).toHaveValue('+447700900803');
  await expect(dialog.getByLabel('Purpose')).toHaveValue('Quarterly audit');
  await dialog.getByLabel('Card number').fill('8104');
  await dialog.getByRole('button', { name: 'Check in', exact: true }).click();
  // A new photo is still taken.
  await expect(dialog.getByText('Take a photo or choose a picture file.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Take photo' }).click();
  await dialog.getByRole('button', { name: 'Check in', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.locator('.card', { hasText: 'Rosalind Returning' })).toHaveCount(1);
});
