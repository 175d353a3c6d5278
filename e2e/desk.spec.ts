import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Visitor } from '../src/shared/api-types';
import { makeImage } from '../test/helpers/images';
import { allVisitors, apiGet, pageToken } from './api';
import { expect, photoRequests, screenshot, signIn, test, thumbnailsSettled } from './fixtures';

async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

test('signs in and shows the log as a grid of thumbnails, without any full photo', async ({ page, desk, requests }) => {
  await page.goto(desk.url);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await screenshot(page, '01-sign-in');
  await signIn(page, desk);
  const cards = page.locator('.card');
  await expect(page.locator('.card img.thumb').first()).toBeVisible();
  await thumbnailsSettled(page);
  await screenshot(page, '02-on-site');
  await expectNoSeriousA11yViolations(page);

  const renderedCards = await cards.count();
  const { thumbs, full } = photoRequests(requests);
  expect(full).toEqual([]);
  expect(thumbs.length).toBeGreaterThan(0);
  // Only cards in or next to the viewport exist, and only they ask for a thumbnail.
  expect(renderedCards).toBeLessThanOrEqual(15);
  expect(thumbs.length).toBeLessThanOrEqual(renderedCards);
});

test('opens a visitor: the thumbnail at once, then the full photo at its stored size', async ({
  page,
  desk,
  requests,
}) => {
  await signIn(page, desk);
  const token = await pageToken(page);
  const onSite = (await apiGet<{ data: Visitor[] }>(desk, token, '/v1/get/')).data.reverse();
  const withPhoto = onSite.findIndex((v) => v.has_photo);
  const visitor = onSite[withPhoto]!;
  const card = page.locator(`.card[data-visitor-id="${visitor.visitor_id}"] .card-open`);
  await card.scrollIntoViewIfNeeded();
  await expect(card.locator('img.thumb')).toBeVisible();
  expect(photoRequests(requests).full).toEqual([]);

  await card.focus();
  await page.keyboard.press('Enter');
  const viewer = page.getByRole('dialog', { name: visitor.name });
  await expect(viewer).toBeVisible();
  const full = viewer.locator('img[data-quality="full"]');
  await expect(full).toBeVisible();
  const size = await full.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
  expect(size).toEqual([visitor.photo_width, visitor.photo_height]);
  expect(photoRequests(requests).full).toEqual([`/v1/photo/${visitor.visitor_id}`]);
  await expect(viewer.getByText(`#${visitor.card_no}`)).toBeVisible();
  await screenshot(page, '03-viewer');
  await expectNoSeriousA11yViolations(page);

  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('dialog', { name: onSite[withPhoto + 1]!.name })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
});

async function openCheckIn(page: Page) {
  await page.getByRole('button', { name: '+ Check in visitor' }).click();
  const dialog = page.getByRole('dialog', { name: 'Check in a visitor' });
  await expect(dialog).toBeVisible();
  return dialog;
}

async function fillVisitor(dialog: ReturnType<Page['getByRole']>, name: string, card: string) {
  await dialog.getByLabel('Full name').fill(name);
  await dialog.getByLabel('Card number').fill(card);
  await dialog.getByLabel('Mobile').fill('+44 7700 900123');
  await dialog.getByLabel('Purpose').fill('Meeting');
  await dialog.getByRole('combobox', { name: 'Person visited (optional)' }).fill('alice');
  await dialog.getByRole('option', { name: 'Alice Morgan' }).click();
}

test('checks a visitor in with a picture file; the new visitor is first on site', async ({ page, desk }) => {
  await signIn(page, desk);
  const dialog = await openCheckIn(page);
  await fillVisitor(dialog, 'Ngozi Adichie', '9001');
  await dialog.getByRole('button', { name: 'File' }).click();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-photo-')), 'visitor.png');
  fs.writeFileSync(file, await makeImage('png', 600, 800, 42));
  await dialog.locator('input[type="file"]').setInputFiles(file);
  await expect(dialog.getByRole('img', { name: /ready to check in/ })).toBeVisible();
  await screenshot(page, '04-check-in-file');
  await expectNoSeriousA11yViolations(page);
  await dialog.getByRole('button', { name: 'Check in', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  const first = page.locator('.card').first();
  await expect(first.locator('.name')).toHaveText('Ngozi Adichie');
  await expect(first).toContainText('Visiting Alice Morgan');
  await expect(first.locator('img.thumb')).toBeVisible();
});

test('checks a visitor in with the camera: preview, capture, retake', async ({ page, desk }) => {
  await signIn(page, desk);
  const dialog = await openCheckIn(page);
  await fillVisitor(dialog, 'Camera Person', '9002');
  const take = dialog.getByRole('button', { name: 'Take photo' });
  await expect(take).toBeEnabled();
  await take.click();
  await dialog.getByRole('button', { name: 'Retake' }).click();
  await dialog.getByRole('button', { name: 'Take photo' }).click();
  await expect(dialog.getByRole('img', { name: /ready to check in/ })).toBeVisible();
  await screenshot(page, '05-check-in-camera');
  await dialog.getByRole('button', { name: 'Check in', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  const first = page.locator('.card').first();
  await expect(first.locator('.name')).toHaveText('Camera Person');
  await expect(first.locator('img.thumb')).toBeVisible();
});

test('shows field problems beside their fields, from the shared rules and from the server', async ({ page, desk }) => {
  await signIn(page, desk);
  const dialog = await openCheckIn(page);
  await dialog.getByLabel('Card number').fill('12a');
  await dialog.getByLabel('Mobile').fill('123');
  await dialog.getByRole('button', { name: 'Check in', exact: true }).click();
  await expect(dialog.getByText('Card number must be digits only, from 1 to 9999.')).toBeVisible();
  await expect(dialog.getByText('Mobile number must be 6 to 15 digits, with a + in front if you like.')).toBeVisible();
  await expect(dialog.getByText('Take a photo or choose a picture file.')).toBeVisible();
  await screenshot(page, '06-check-in-errors');

  // Card 1 is held by a visitor on site: only the server knows that.
  await fillVisitor(dialog, 'Second Holder', '1');
  await dialog.getByRole('button', { name: 'Take photo' }).click();
  await dialog.getByRole('button', { name: 'Check in', exact: true }).click();
  await expect(dialog.locator('#cardno-error')).toHaveText('Card 1 is already given to a visitor on the premises.');
});

test('records an exit with a confirmation; the visitor moves to history with an exit time', async ({ page, desk }) => {
  await signIn(page, desk);
  const first = page.locator('.card').first();
  const name = (await first.locator('.name').textContent())!;
  await first.getByRole('button', { name: `Record exit of ${name}` }).click();
  const confirm = page.getByRole('dialog', { name: `Record exit of ${name}?` });
  await screenshot(page, '07-exit-confirm');
  await confirm.getByRole('button', { name: 'Record exit' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(page.locator('.card').first().locator('.name')).not.toHaveText(name);

  await page.getByRole('button', { name: 'History' }).click();
  await page.getByRole('searchbox').fill(name);
  const card = page.locator('.card', { hasText: name }).first();
  await expect(card).toContainText('Out ');
});

test('shows initials, not a broken image, for a visitor without a photo', async ({ page, desk, requests }) => {
  await signIn(page, desk);
  const noPhoto = (await allVisitors(desk, await pageToken(page))).find((v) => !v.has_photo)!;
  await page.getByRole('button', { name: 'History' }).click();
  await page.getByRole('searchbox').fill(noPhoto.name);
  const card = page.locator(`.card[data-visitor-id="${noPhoto.visitor_id}"]`);
  await expect(card.getByRole('img', { name: `No photo of ${noPhoto.name}` })).toBeVisible();
  await expect(card.locator('img')).toHaveCount(0);
  await screenshot(page, '08-history-search');
  expect(photoRequests(requests).thumbs).not.toContain(`/v1/photo/thumb/${noPhoto.visitor_id}`);
});

test('searches history and pages through it as it scrolls', async ({ page, desk, requests }) => {
  await signIn(page, desk);
  await page.getByRole('button', { name: 'History' }).click();
  await expect(page.locator('.card').first()).toBeVisible();
  // Pages of 120: the second arrives when the first is scrolled to its end.
  await expect(page.getByRole('list')).toHaveAttribute('aria-label', '120 visitors');
  await page.locator('.grid-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(page.getByRole('list')).toHaveAttribute('aria-label', '240 visitors');
  expect(photoRequests(requests).full).toEqual([]);

  await page.getByRole('searchbox').fill('Alice Morgan');
  await expect(page.locator('.card').first()).toContainText('Visiting Alice Morgan');
  const texts = await page.locator('.card').allTextContents();
  for (const text of texts) expect(text).toContain('Alice Morgan');
});

test('shows a visitor checked in by another client within seconds', async ({ page, desk }) => {
  await signIn(page, desk);
  await expect(page.locator('.card').first()).toBeVisible();
  const token = await pageToken(page);
  const form = new FormData();
  form.set('cardno', '9500');
  form.set('name', 'From Another Desk');
  form.set('mobile', '5550100');
  form.set('purpose', 'Delivery');
  form.set('image', new Blob([new Uint8Array(await makeImage('jpeg', 480, 640, 9))]), 'p.jpg');
  const response = await fetch(`${desk.url}/v1/add/`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Token ${token}` },
  });
  expect(response.status).toBe(200);
  await expect(page.locator('.card').first().locator('.name')).toHaveText('From Another Desk', { timeout: 8000 });
});

test('is usable at 1920×1080 too', async ({ page, desk }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await signIn(page, desk);
  await expect(page.locator('.card img.thumb').first()).toBeVisible();
  await thumbnailsSettled(page);
  await screenshot(page, '09-on-site-1080p');
});

test('signs out from the desk menu, which revokes the token', async ({ page, desk }) => {
  await signIn(page, desk);
  const token = await pageToken(page);
  await page.getByRole('button', { name: 'reception' }).click();
  const menu = page.getByRole('dialog', { name: 'This desk' });
  await expect(menu.getByText('Data folder')).toBeVisible();
  await screenshot(page, '10-desk-menu');
  await menu.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect
    .poll(async () => (await fetch(`${desk.url}/v1/get/`, { headers: { authorization: `Token ${token}` } })).status)
    .toBe(401);
});
