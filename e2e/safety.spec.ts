import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { VisitorListResponse } from '../src/shared/api-types';
import { BADGE_PAGES, BADGE_SIZES } from '../src/shared/settings';
import { makeImage } from '../test/helpers/images';
import { apiGet, pageToken } from './api';
import { expect, photoRequests, screenshot, signIn, test } from './fixtures';
import { ARTIFACTS } from './paths';

/** Text and page sizes of a PDF, read with poppler-utils as a person would check the print. */
function readPdf(file: string): { text: string; pages: number; sizesMm: [number, number][] } {
  const info = execFileSync('pdfinfo', ['-f', '1', '-l', '999', file], { encoding: 'utf8' });
  const sizes = [...info.matchAll(/Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/g)].map(
    (m) => [(Number(m[1]) * 25.4) / 72, (Number(m[2]) * 25.4) / 72] as [number, number],
  );
  return { text: execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }), pages: sizes.length, sizesMm: sizes };
}

test('an evacuation drill with 30 on site: marked from two desks, printed, closed and found in History', async ({
  page,
  desk,
  browser,
}) => {
  await signIn(page, desk);
  const token = await pageToken(page);
  const onSite = (await apiGet<VisitorListResponse>(desk, token, '/v1/get/')).data;
  for (const visitor of onSite.slice(30)) {
    await fetch(`${desk.url}/v1/exit/${visitor.visitor_id}`, { headers: { authorization: `Token ${token}` } });
  }
  const roll = onSite.slice(0, 30);
  await page.reload();
  await page.getByRole('button', { name: 'Evacuation', exact: true }).click();
  await page.getByRole('dialog', { name: 'Evacuation: drill or real?' }).getByRole('button', { name: 'Drill' }).click();
  await expect(page.getByRole('heading', { name: 'Evacuation drill — roll call' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'accounted' })).toHaveText('0 of 30 accounted');
  // Someone checking in after the alarm is not on the roll.
  const people = page.locator('.roll-person');
  await expect(people).toHaveCount(30);

  // Five marked here, five from a second desk (its own browser context), seen here live.
  const second = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const other = await second.newPage();
  await signIn(other, desk);
  await other.getByRole('button', { name: 'Roll call open' }).click();
  for (let i = 0; i < 5; i++) await people.nth(i).click();
  const otherPeople = other.locator('.roll-person');
  for (let i = 25; i < 30; i++) await otherPeople.nth(i).click();
  await expect(page.getByRole('status').filter({ hasText: 'accounted' })).toHaveText('10 of 30 accounted');
  await expect(other.getByRole('status').filter({ hasText: 'accounted' })).toHaveText('10 of 30 accounted');
  await second.close();
  await page.getByLabel('Not yet accounted').check();
  await expect(people).toHaveCount(20);
  await page.getByLabel('Not yet accounted').uncheck();
  await screenshot(page, '40-roll-call');

  const pdf = path.join(ARTIFACTS, '41-roll.pdf');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.pdf({ path: pdf, preferCSSPageSize: true });
  const printed = readPdf(pdf);
  for (const person of roll) expect(printed.text, person.name).toContain(person.name);
  expect(printed.pages).toBeGreaterThanOrEqual(1);
  expect(printed.pages).toBeLessThanOrEqual(3);
  expect(printed.text).toContain(`Page 1 of ${printed.pages}`);
  for (const [width, height] of printed.sizesMm) {
    expect(Math.abs(width - 210)).toBeLessThan(1);
    expect(Math.abs(height - 297)).toBeLessThan(1);
  }

  await page.getByRole('button', { name: 'Close roll call…' }).click();
  await page
    .getByRole('dialog', { name: 'Close the roll call?' })
    .getByRole('button', { name: 'Close roll call' })
    .click();
  await expect(page.getByRole('heading', { name: 'Evacuation drill — report' })).toBeVisible();
  await page.getByRole('button', { name: 'Back', exact: true }).click();
  await page.getByRole('button', { name: 'History' }).click();
  await page.getByRole('button', { name: 'Evacuations' }).click();
  const reports = page.getByRole('table', { name: 'Evacuations' });
  await expect(reports.getByRole('row').nth(1)).toContainText('10 of 30');
  await screenshot(page, '42-evacuations');
});

test('prints a badge of each size: one page of exactly the label, name and host on it, no full photo', async ({
  page,
  desk,
  requests,
}) => {
  await signIn(page, desk);
  const token = await pageToken(page);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-badge-')), 'visitor.jpg');
  fs.writeFileSync(file, await makeImage('jpeg', 600, 800, 21));
  let card = 9100;
  for (const size of BADGE_SIZES) {
    await fetch(`${desk.url}/v1/admin/settings`, {
      method: 'PATCH',
      headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ badge_size: size }),
    });
    await page.reload();
    await page.getByRole('button', { name: '+ Check in visitor' }).click();
    const dialog = page.getByRole('dialog', { name: 'Check in a visitor' });
    // One of them as long as a name can be: it must not push the card or the date off the label.
    const name =
      size === '62x100' ? 'Maximilian Alexander Wolfeschlegelsteinhausen Berg' : `Badge Holder ${size.toUpperCase()}`;
    await dialog.getByLabel('Full name').fill(name);
    await dialog.getByLabel('Card number').fill(String(card++));
    await dialog.getByLabel('Mobile').fill('+44 7700 900123');
    await dialog.getByLabel('Purpose').fill('Meeting');
    await dialog.getByRole('combobox', { name: 'Person visited (optional)' }).fill('alice');
    await dialog.getByRole('option', { name: /Alice Morgan/ }).click();
    await dialog.getByRole('button', { name: 'File' }).click();
    await dialog.locator('input[type="file"]').setInputFiles(file);
    await dialog.getByRole('button', { name: 'Check in', exact: true }).click();
    const confirmation = page.locator('.checked-in');
    await expect(confirmation).toContainText(`${name} is checked in`);
    await expect(page.locator('.print-root .badge img.thumb')).toHaveCount(1);
    const pdf = path.join(ARTIFACTS, `43-badge-${size}.pdf`);
    await page.pdf({ path: pdf, preferCSSPageSize: true });
    const printed = readPdf(pdf);
    const expected = BADGE_PAGES[size];
    expect(printed.pages, size).toBe(1);
    expect(Math.abs(printed.sizesMm[0]![0] - expected.width), size).toBeLessThan(1);
    expect(Math.abs(printed.sizesMm[0]![1] - expected.height), size).toBeLessThan(1);
    // Whole, even where a word longer than the label is broken across lines.
    expect(printed.text.replace(/\s+/g, '')).toContain(name.replace(/\s+/g, ''));
    expect(printed.text).toContain('Visiting Alice Morgan');
    expect(printed.text).toMatch(/Valid on \d{1,2} \w{3} \d{4}/);
    expect(printed.text).toContain(`Card #${card - 1}`);
  }
  await screenshot(page, '44-checked-in-badge');
  expect(photoRequests(requests).full).toEqual([]);
});
