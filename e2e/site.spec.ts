import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { VisitorLogResponse } from '../src/shared/api-types';
import { formatLocalDate } from '../src/shared/dates';
import { makeImage } from '../test/helpers/images';
import { apiGet, checkInElsewhere, pageToken } from './api';
import { expect, screenshot, signIn, test } from './fixtures';
import { E2E_STAFF } from './paths';

const NEW_RECEPTION = { username: 'morning-desk', password: 'a morning password' };

async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

async function openAdministration(page: Page): Promise<void> {
  await page.getByRole('button', { name: E2E_STAFF.username, exact: true }).click();
  await page.getByRole('dialog', { name: 'This desk' }).getByRole('button', { name: 'Administration' }).click();
  await expect(page.getByRole('heading', { name: 'Administration' })).toBeVisible();
}

test('an admin adds a reception account and a host; reception sees no admin area', async ({ page, desk }) => {
  await signIn(page, desk);
  await openAdministration(page);

  const addStaff = page.getByRole('form', { name: 'Add a staff account' });
  await addStaff.getByLabel('Username').fill(NEW_RECEPTION.username);
  await addStaff.getByLabel('Password').fill(NEW_RECEPTION.password);
  await addStaff.getByLabel('Role').selectOption('reception');
  await addStaff.getByRole('button', { name: 'Add account' }).click();
  const staffTable = page.getByRole('table', { name: 'Staff accounts' });
  await expect(staffTable.getByRole('row', { name: new RegExp(NEW_RECEPTION.username) })).toContainText('Active');
  await screenshot(page, '20-admin-staff');
  await expectNoSeriousA11yViolations(page);

  await page.getByRole('button', { name: 'Hosts', exact: true }).click();
  const addHost = page.getByRole('form', { name: 'Add a host' });
  await addHost.getByLabel('Name').fill('Rosalind Franklin');
  await addHost.getByLabel('Department').fill('Structural Biology');
  await addHost.getByLabel('E-mail').fill('rosalind@example.com');
  await addHost.getByRole('button', { name: 'Add host' }).click();
  await page.getByLabel('Search hosts by name, e-mail or department').fill('rosalind');
  await expect(page.getByRole('row', { name: /Rosalind Franklin/ })).toContainText('Structural Biology');
  await screenshot(page, '21-admin-hosts');
  await expectNoSeriousA11yViolations(page);

  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByText(/Photos of visitors who left more than 30 days ago/)).toBeVisible();
  await screenshot(page, '22-admin-settings');
  await expectNoSeriousA11yViolations(page);

  // Sign out, and in as the new reception account.
  await page.getByRole('button', { name: 'Back to the desk' }).click();
  await page.getByRole('button', { name: E2E_STAFF.username, exact: true }).click();
  await page.getByRole('dialog', { name: 'This desk' }).getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, desk, NEW_RECEPTION);
  await page.getByRole('button', { name: NEW_RECEPTION.username, exact: true }).click();
  const menu = page.getByRole('dialog', { name: 'This desk' });
  await expect(menu.getByText('Data folder')).toBeVisible();
  await expect(menu.getByRole('button', { name: 'Administration' })).toHaveCount(0);
  await menu.getByRole('button', { name: 'Done' }).click();

  // The host is offered at check-in; the admin API says no to this account.
  await page.getByRole('button', { name: '+ Check in visitor' }).click();
  const checkIn = page.getByRole('dialog', { name: 'Check in a visitor' });
  await checkIn.getByRole('combobox', { name: 'Person visited (optional)' }).fill('rosa');
  await expect(checkIn.getByRole('option', { name: /Rosalind Franklin/ })).toBeVisible();
  const token = await pageToken(page);
  const refused = await fetch(`${desk.url}/v1/admin/users`, { headers: { authorization: `Token ${token}` } });
  expect(refused.status).toBe(403);
});

test('checks in an expected visitor from Expected today; the visit is marked arrived', async ({ page, desk }) => {
  await signIn(page, desk);
  await page.getByRole('button', { name: /^Expected/ }).click();
  await page.getByRole('button', { name: '+ Expect a visitor' }).click();
  const expectDialog = page.getByRole('dialog', { name: 'Expect a visitor' });
  await expectDialog.getByLabel('Full name').fill('Chiamaka Okafor');
  await expectDialog.getByRole('combobox', { name: 'Person visited (optional)' }).fill('alice');
  await expectDialog.getByRole('option', { name: /Alice Morgan/ }).click();
  await expectDialog.getByLabel('Purpose').fill('Interview');
  await expectDialog.getByLabel('Note for the desk').fill('Bring a laptop pass');
  await expectDialog.getByLabel('Arrives at (optional)').fill('10:30');
  await expectDialog.getByRole('button', { name: 'Add to expected' }).click();
  const confirmation = page.getByRole('dialog', { name: 'Visitor expected' });
  await expect(confirmation.getByRole('status')).toContainText('Chiamaka Okafor is expected today');
  await expect(confirmation.getByRole('status')).toContainText('at 10:30, to see Alice Morgan');
  await confirmation.getByRole('button', { name: 'Done' }).click();
  await expect(confirmation).toHaveCount(0);

  const visit = page.locator('.expected-item', { hasText: 'Chiamaka Okafor' });
  await expect(visit).toContainText('To see Alice Morgan · Interview');
  await expect(page.getByRole('button', { name: /^Expected/ })).toContainText('1');
  await screenshot(page, '23-expected-today');
  await expectNoSeriousA11yViolations(page);

  await visit.getByRole('button', { name: 'Check in', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Check in Chiamaka Okafor' });
  await expect(dialog.getByLabel('Full name')).toHaveValue('Chiamaka Okafor');
  await expect(dialog.getByRole('note')).toContainText('Due 10:30 · Note for the desk: Bring a laptop pass');
  await expect(dialog.getByLabel('Purpose')).toHaveValue('Interview');
  await expect(dialog.getByRole('combobox', { name: 'Person visited (optional)' })).toHaveValue('Alice Morgan');
  await dialog.getByLabel('Card number').fill('8123');
  await dialog.getByLabel('Mobile').fill('+44 7700 900555');
  await dialog.getByRole('button', { name: 'File' }).click();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-photo-')), 'visitor.jpg');
  fs.writeFileSync(file, await makeImage('jpeg', 600, 800, 7));
  await dialog.locator('input[type="file"]').setInputFiles(file);
  await dialog.getByRole('button', { name: 'Check in', exact: true }).click();
  await expect(dialog).toHaveCount(0);

  // The desk shows the newcomer first on site; Expected today shows the visit arrived.
  await expect(page.locator('.card').first().locator('.name')).toHaveText('Chiamaka Okafor');
  await page.getByRole('button', { name: /^Expected/ }).click();
  await expect(visit.locator('.status-tag')).toHaveText('Arrived');
  await expect(visit.getByRole('button', { name: 'Check in', exact: true })).toHaveCount(0);
  await screenshot(page, '24-expected-arrived');
});

test('exports exactly what the History filter shows as export.csv', async ({ page, desk }) => {
  await signIn(page, desk);
  // The seeded visits are spread over four months: early on a Monday, this week may hold none.
  await checkInElsewhere(desk, await pageToken(page), 'Week Visitor', 9801);
  await page.getByRole('button', { name: 'History' }).click();
  await page.getByLabel('Entry dates', { exact: true }).selectOption('week');
  await expect(page.locator('.card').first()).toBeVisible();
  await screenshot(page, '25-history-this-week');

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('export.csv');
  const rows = parse<Record<string, string>>(fs.readFileSync(await download.path(), 'utf8'), { columns: true });

  // What the page's filter asks the server for: the same week, Monday to today.
  const today = new Date();
  const monday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - ((today.getDay() + 6) % 7));
  const query = `from=${formatLocalDate(monday)}&to=${formatLocalDate(today)}`;
  const token = await pageToken(page);
  const ids: string[] = [];
  let cursor = '';
  do {
    const part = await apiGet<VisitorLogResponse>(
      desk,
      token,
      `/v1/log/?${query}&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
    );
    ids.push(...part.data.map((v) => v.visitor_id));
    cursor = part.next_cursor ?? '';
  } while (cursor);
  expect(ids.length).toBeGreaterThan(0);
  expect(rows.map((row) => row.visitor_id!.replace(/^'/, ''))).toEqual(ids);
  const firstCard = await page.locator('.card').first().getAttribute('data-visitor-id');
  expect(rows[0]!.visitor_id!.replace(/^'/, '')).toBe(firstCard);
  for (const row of rows) expect(row.entry_time! >= `${formatLocalDate(monday)} 00:00:00`).toBe(true);
});
