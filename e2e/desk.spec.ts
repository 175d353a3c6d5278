import { expect, photoRequests, screenshot, signIn, test } from './fixtures';

test('signs in and shows the log as a grid of thumbnails, without any full photo', async ({ page, desk, requests }) => {
  await page.goto(desk.url);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await screenshot(page, '01-sign-in');
  await signIn(page, desk);
  const cards = page.locator('.card');
  await expect(cards.first()).toBeVisible();
  await expect(page.locator('.card img.thumb').first()).toBeVisible();
  await page.waitForLoadState('networkidle');
  await screenshot(page, '02-on-site');

  const visibleCards = await cards.count();
  const { thumbs, full } = photoRequests(requests);
  expect(full).toEqual([]);
  expect(thumbs.length).toBeGreaterThan(0);
  expect(thumbs.length).toBeLessThanOrEqual(visibleCards);
});
