import type { Page } from '@playwright/test';
import type { Visitor } from '../src/shared/api-types';
import { apiGet, checkInElsewhere, pageToken } from './api';
import { expect, photoRequests, screenshot, signIn, test, thumbnailsSettled, type DeskServer } from './fixtures';
import { thumbnailsDecoded, watchThumbnailLoads } from './network';

async function exitElsewhere(desk: DeskServer, token: string, visitorId: string): Promise<void> {
  const response = await fetch(`${desk.url}/v1/exit/${visitorId}`, {
    method: 'POST',
    headers: { authorization: `Token ${token}` },
  });
  expect(response.status).toBe(200);
}

async function waitForLive(page: Page): Promise<void> {
  await expect(page.getByRole('status', { name: 'Live updates on' })).toBeVisible();
}

test('keeps the viewer on its visitor while other desks check people in and out', async ({ page, desk }) => {
  await signIn(page, desk);
  await waitForLive(page);
  const token = await pageToken(page);
  const onSite = (await apiGet<{ data: Visitor[] }>(desk, token, '/v1/get/')).data.reverse();
  const [first, second] = onSite as [Visitor, Visitor];
  await page.locator(`.card[data-visitor-id="${first.visitor_id}"] .card-open`).click();
  const viewer = page.getByRole('dialog', { name: first.name });
  await expect(viewer).toBeVisible();

  for (const [i, name] of ['Newcomer One', 'Newcomer Two', 'Newcomer Three'].entries()) {
    await checkInElsewhere(desk, token, name, 9600 + i);
  }
  await exitElsewhere(desk, token, second.visitor_id);
  // The list behind the viewer has moved: three arrivals first, one departure gone.
  await expect(page.locator('.card').first().locator('.name')).toHaveText('Newcomer Three');
  await expect(page.locator(`.card[data-visitor-id="${second.visitor_id}"]`)).toHaveCount(0);
  await expect(viewer).toBeVisible();
  await expect(viewer.getByText(`#${first.card_no}`)).toBeVisible();

  // Now the open visitor is signed out elsewhere: the viewer says so and stays on them.
  await exitElsewhere(desk, token, first.visitor_id);
  await expect(viewer.getByRole('status')).toContainText(`${first.name} left at`);
  await expect(viewer.getByRole('button', { name: 'Record exit' })).toHaveCount(0);
  await screenshot(page, '11-viewer-visitor-left');
});

test('shows a check-in from another desk without asking, and polls nothing while idle', async ({
  page,
  desk,
  requests,
}) => {
  await signIn(page, desk);
  await waitForLive(page);
  await expect(page.locator('.card img.thumb').first()).toBeVisible();
  const logRequests = (): number => requests.filter((r) => new URL(r.url()).pathname.startsWith('/v1/log')).length;
  const before = logRequests();
  // An idle desk for ten seconds: with the stream up, no periodic log request at all.
  await page.waitForTimeout(10_000);
  expect(logRequests()).toBe(before);

  const token = await pageToken(page);
  await checkInElsewhere(desk, token, 'Pushed Arrival', 9700);
  await expect(page.locator('.card').first().locator('.name')).toHaveText('Pushed Arrival');
  // It came through the events stream, not through a re-read of the log.
  expect(logRequests()).toBe(before);
});

test('shows the whole photo, letterboxed, and zooms for a closer look', async ({ page, desk, requests }) => {
  await signIn(page, desk);
  const token = await pageToken(page);
  const onSite = (await apiGet<{ data: Visitor[] }>(desk, token, '/v1/get/')).data.reverse();
  const portrait = onSite.find((v) => v.has_photo && v.photo_height! > v.photo_width!)!;
  const card = page.locator(`.card[data-visitor-id="${portrait.visitor_id}"] .card-open`);
  await card.scrollIntoViewIfNeeded();
  await card.click();
  const viewer = page.getByRole('dialog', { name: portrait.name });
  const full = viewer.locator('img[data-quality="full"]');
  await expect(full).toBeVisible();

  const geometry = await full.evaluate((img: HTMLImageElement) => {
    const shown = img.getBoundingClientRect();
    const frame = img.closest('figure')!.getBoundingClientRect();
    return { shown, frame, natural: [img.naturalWidth, img.naturalHeight] };
  });
  // The whole photo: its rendered aspect is its own, and it lies inside the frame.
  expect(geometry.shown.width / geometry.shown.height).toBeCloseTo(geometry.natural[0]! / geometry.natural[1]!, 2);
  expect(geometry.shown.top).toBeGreaterThanOrEqual(geometry.frame.top - 0.5);
  expect(geometry.shown.bottom).toBeLessThanOrEqual(geometry.frame.bottom + 0.5);
  expect(geometry.shown.left).toBeGreaterThanOrEqual(geometry.frame.left - 0.5);
  expect(geometry.shown.right).toBeLessThanOrEqual(geometry.frame.right + 0.5);

  await viewer.getByRole('button', { name: 'Zoom in' }).click();
  await expect(viewer.getByText('150%')).toBeVisible();
  await full.click();
  await expect(viewer.getByText('100%')).toBeVisible();
  await full.click();
  await expect(viewer.getByText('200%')).toBeVisible();
  const zoomed = await full.evaluate((img: HTMLImageElement) => img.getBoundingClientRect().width);
  expect(zoomed).toBeCloseTo(geometry.shown.width * 2, 0);
  await screenshot(page, '12-viewer-zoomed');
  expect(photoRequests(requests).full).toEqual([`/v1/photo/${portrait.visitor_id}`]);
});

test('offers small cards and a list, each showing thumbnails only', async ({ page, desk, requests }) => {
  await signIn(page, desk);
  await expect(page.locator('.card img.thumb').first()).toBeVisible();
  await page.getByRole('radio', { name: 'Small cards' }).click();
  await expect(page.locator('.grid.density-compact .card img.thumb').first()).toBeVisible();
  await screenshot(page, '13-compact');
  await page.getByRole('radio', { name: 'List' }).click();
  await expect(page.locator('.grid.density-list .card img.thumb').first()).toBeVisible();
  await screenshot(page, '14-list');
  expect(photoRequests(requests).full).toEqual([]);
  // The choice belongs to this desk and survives a reload.
  await page.reload();
  await expect(page.locator('.grid.density-list')).toBeVisible();
});

test('works from the keyboard: N checks in, / searches, arrows move between cards', async ({ page, desk }) => {
  await signIn(page, desk);
  await expect(page.locator('.card').first()).toBeVisible();
  await page.keyboard.press('n');
  await expect(page.getByRole('dialog', { name: 'Check in a visitor' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  await page.locator('.card .card-open').first().focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('.card[data-index="1"] .card-open')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  const columns = await page.evaluate(
    () => new Set([...document.querySelectorAll('.card')].map((card) => card.getBoundingClientRect().left)).size,
  );
  await expect(page.locator(`.card[data-index="${1 + columns}"] .card-open`)).toBeFocused();

  await page.keyboard.press('/');
  await expect(page.getByRole('searchbox')).toBeFocused();
});

test('loads thumbnails natively by signed URL; a reload takes every one from the browser cache', async ({
  page,
  desk,
}) => {
  const { loads, reset } = await watchThumbnailLoads(page);
  await signIn(page, desk);
  await thumbnailsSettled(page);
  const shown = await thumbnailsDecoded(page);
  expect(shown).toBeGreaterThan(0);
  const sources = await page
    .locator('.card img.thumb')
    .evaluateAll((faces) => faces.map((face) => (face as HTMLImageElement).src));
  // No blob bookkeeping and never the token: the URL the server signed for this face.
  for (const source of sources) expect(source).toMatch(/\/v1\/photo\/thumb\/[\w-]{22}\?k=[\w-]+&e=\d+&s=[\w-]+$/);
  expect(loads.fromServer.length).toBeGreaterThanOrEqual(shown);

  // The same screen again: not one of those faces is asked of the server, not even to
  // revalidate. (The virtualizer may render a card more or less this time; a face never
  // shown before would rightly be fetched.)
  const seen = new Set(loads.fromServer);
  reset();
  await page.reload();
  await thumbnailsSettled(page);
  await thumbnailsDecoded(page);
  await expect.poll(() => loads.fromCache.length).toBeGreaterThan(0);
  expect(loads.fromServer.filter((path) => seen.has(path))).toEqual([]);
  expect(loads.fromCache.every((path) => seen.has(path))).toBe(true);
});
