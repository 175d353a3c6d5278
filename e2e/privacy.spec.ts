import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, photoRequests, screenshot, signIn, startServe, test, thumbnailsSettled } from './fixtures';
import { E2E_STAFF, ROOT } from './paths';

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
  await erase.getByLabel('The person asked to be forgotten').check();
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
  await expect(trail.getByRole('row').filter({ hasText: 'Erased a visitor' })).toContainText(
    'The person asked to be forgotten',
  );
  await expect(trail.getByRole('row').filter({ hasText: 'Viewed a full photo' })).toHaveCount(1);
  await screenshot(page, '32-audit-trail');
  await page.getByLabel('Action').selectOption('visitor.erase');
  await expect(trail.getByRole('row')).toHaveCount(2); // the header and the one erasure
  // One full photo was ever asked for: the one opened.
  expect(photoRequests(requests).full).toEqual([`/v1/photo/${visitorId}`]);
});

test('an upgraded site keeps its photos until an admin chooses how long, asked at every sign-in until then', async ({
  page,
}) => {
  // A data folder from the release before retention existed, as a kiosk upgrading has it.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-e2e-upgrade-'));
  fs.cpSync(path.join(ROOT, 'test/fixtures/v1-data'), dataDir, { recursive: true });
  const { url, child } = await startServe(dataDir);
  try {
    const admin = { username: 'reception', password: 'a long password' };
    await signIn(page, { url, dataDir }, admin);
    const ask = page.getByRole('dialog', { name: 'How long should visitors’ photos be kept?' });
    await expect(ask).toContainText('Nothing has been deleted since');
    await screenshot(page, '33-retention-choice');
    await ask.getByRole('button', { name: 'Keep for now' }).click();
    await expect(ask).toBeHidden();

    // Asked again at the next sign-in; this time 90 days is chosen.
    await page.evaluate(() => localStorage.clear());
    await signIn(page, { url, dataDir }, admin);
    await ask.getByLabel('For 90 days after they left').check();
    await expect(ask.getByRole('status')).toContainText('more than 90 days ago are deleted every night');
    await ask.getByRole('button', { name: 'Choose' }).click();
    await expect(ask).toBeHidden();

    await page.getByRole('button', { name: admin.username, exact: true }).click();
    await page.getByRole('dialog', { name: 'This desk' }).getByRole('button', { name: 'Administration' }).click();
    await page.getByRole('button', { name: 'Audit trail', exact: true }).click();
    const trail = page.getByRole('table', { name: 'Audit trail' });
    await expect(trail.getByRole('row').filter({ hasText: 'Changed settings' })).toContainText(
      'photo retention: not chosen since the upgrade → 90 days',
    );
    // The choice applied at once, as the desk's own entry: no account's name on it.
    await expect(trail.getByRole('row').filter({ hasText: 'Deleted old photos' })).toContainText(
      'Frontdesk (automatic)',
    );
    await screenshot(page, '34-retention-chosen-trail');
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
