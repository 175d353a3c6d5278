import { expect, photoRequests, screenshot, signIn, test, thumbnailsSettled } from './fixtures';
import { E2E_STAFF } from './paths';

test('an admin sees who viewed a photo, erases the visitor, and finds both on the audit trail', async ({
  page,
  desk,
  requests,
}) => {
  await signIn(page, desk);
  await thumbnailsSettled(page);
  const card = page
    .locator('.card')
    .filter({ has: page.locator('img.thumb') })
    .first();
  const name = (await card.locator('.name').textContent())!;
  const visitorId = (await card.getAttribute('data-visitor-id'))!;
  await card.locator('.card-open').click();
  const viewer = page.getByRole('dialog', { name });
  await expect(viewer.locator('img.full')).toBeVisible();

  await viewer.getByRole('button', { name: 'Who has seen this photo' }).click();
  const views = page.getByRole('dialog', { name: `Who has seen the photo of ${name}` });
  // The view just made is on the trail within the batch interval.
  await expect(views.getByRole('row').filter({ hasText: E2E_STAFF.username })).toHaveCount(1, { timeout: 10_000 });
  await screenshot(page, '30-who-has-seen');
  await views.getByRole('button', { name: 'Close' }).click();

  await viewer.getByRole('button', { name: 'Erase…' }).click();
  const erase = page.getByRole('dialog', { name: `Erase ${name}?` });
  await erase.getByLabel(/Reason/).fill('Asked to be forgotten');
  await screenshot(page, '31-erase');
  await erase.getByRole('button', { name: 'Erase for good' }).click();
  const done = page.getByRole('dialog', { name: 'Visitor erased' });
  await expect(done).toContainText('name, mobile, purpose, photo');
  await done.getByRole('button', { name: 'Done' }).click();
  await page.keyboard.press('Escape');

  // The card is the erased visitor now: no name, initials instead of a face.
  const erased = page.locator(`.card[data-visitor-id="${visitorId}"]`);
  await expect(erased.locator('.name')).toHaveText('Erased visitor');
  await expect(erased.locator('img.thumb')).toHaveCount(0);

  await page.getByRole('button', { name: E2E_STAFF.username, exact: true }).click();
  await page.getByRole('dialog', { name: 'This desk' }).getByRole('button', { name: 'Administration' }).click();
  await page.getByRole('button', { name: 'Audit trail', exact: true }).click();
  const trail = page.getByRole('table', { name: 'Audit trail' });
  await expect(trail.getByRole('row').filter({ hasText: 'Erased a visitor' })).toContainText('Asked to be forgotten');
  await expect(trail.getByRole('row').filter({ hasText: 'Viewed a full photo' })).toHaveCount(1);
  await screenshot(page, '32-audit-trail');
  await page.getByLabel('Action').selectOption('visitor.erase');
  await expect(trail.getByRole('row')).toHaveCount(2); // the header and the one erasure
  // One full photo was ever asked for: the one opened.
  expect(photoRequests(requests).full).toEqual([`/v1/photo/${visitorId}`]);
});
