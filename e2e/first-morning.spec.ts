import type { Locator, Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { makeImage } from '../test/helpers/images';
import { expect, screenshot, signIn, startServe, stopServe, test, thumbnailsSettled } from './fixtures';
import { E2E_STAFF, templateDir } from './paths';

/** A data folder of the test's own, copied from the seeded template, and its server. */
async function ownDesk() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-e2e-morning-'));
  fs.cpSync(templateDir(), dataDir, { recursive: true });
  const served = await startServe(dataDir);
  return { dataDir, ...served };
}

function pictureFile(name: string, bytes: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-file-')), name);
  fs.writeFileSync(file, bytes);
  return file;
}

async function openCheckIn(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: '+ Check in visitor' }).click();
  const dialog = page.getByRole('dialog', { name: 'Check in a visitor' });
  await expect(dialog).toBeVisible();
  return dialog;
}

async function fillVisitor(dialog: Locator, name: string, card: string): Promise<void> {
  await dialog.getByLabel('Full name').fill(name);
  await dialog.getByLabel('Card number').fill(card);
  await dialog.getByLabel('Mobile').fill('+44 7700 900777');
  await dialog.getByLabel('Purpose').fill('Meeting');
}

async function chooseFile(dialog: Locator, file: string): Promise<void> {
  await dialog.getByRole('button', { name: 'File' }).click();
  await dialog.locator('input[type="file"]').setInputFiles(file);
}

test('a check-in the server never got says so, keeps the form, and goes through once the server is back', async ({
  page,
}) => {
  const desk = await ownDesk();
  try {
    await signIn(page, { url: desk.url, dataDir: desk.dataDir });
    const dialog = await openCheckIn(page);
    await fillVisitor(dialog, 'Offline Olivia', '7001');
    await chooseFile(dialog, pictureFile('olivia.jpg', await makeImage('jpeg', 600, 800, 3)));
    await expect(dialog.getByRole('img', { name: /ready to check in/ })).toBeVisible();
    await stopServe(desk.child);
    await expect(page.getByRole('alert').filter({ hasText: 'server cannot be reached' }).first()).toBeVisible();
    await dialog.getByRole('button', { name: 'Check in', exact: true }).click();
    await expect(dialog.getByRole('alert').filter({ hasText: 'Not checked in' })).toContainText(
      'The form is kept: press Check in again',
    );
    await expect(dialog).not.toContainText('Retrying');
    await expect(dialog.getByLabel('Full name')).toHaveValue('Offline Olivia');
    await screenshot(page, '50-check-in-not-sent');

    desk.child = (await startServe(desk.dataDir, Number(new URL(desk.url).port))).child;
    await expect(page.getByRole('status', { name: 'Live updates on' })).toBeVisible({ timeout: 20_000 });
    await dialog.getByRole('button', { name: 'Check in', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.locator('.card').first().locator('.name')).toHaveText('Offline Olivia');
  } finally {
    await stopServe(desk.child);
    fs.rmSync(desk.dataDir, { recursive: true, force: true });
  }
});

test('Escape asks before throwing a half-filled check-in away', async ({ page, desk }) => {
  await signIn(page, desk);
  const dialog = await openCheckIn(page);
  await dialog.getByLabel('Full name').fill('Half Filled');
  await page.keyboard.press('Escape');
  const ask = page.getByRole('dialog', { name: 'Discard this check-in?' });
  await expect(ask).toBeVisible();
  await ask.getByRole('button', { name: 'Keep editing' }).click();
  await expect(dialog.getByLabel('Full name')).toHaveValue('Half Filled');
  // Escape on the question itself means keep editing.
  await page.keyboard.press('Escape');
  await expect(ask).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(ask).toHaveCount(0);
  await expect(dialog.getByLabel('Full name')).toHaveValue('Half Filled');
  await page.keyboard.press('Escape');
  await ask.getByRole('button', { name: 'Discard' }).click();
  await expect(dialog).toHaveCount(0);
  // An untouched form closes at once.
  const empty = await openCheckIn(page);
  await page.keyboard.press('Escape');
  await expect(empty).toHaveCount(0);
});

test('a file that is no picture is said at once; a phone’s 9 MB photo is made smaller, upright, and checked in', async ({
  page,
  desk,
}) => {
  await signIn(page, desk);
  const dialog = await openCheckIn(page);
  await dialog.getByRole('button', { name: 'File' }).click();
  for (const file of [
    pictureFile('notes.txt', Buffer.from('not a picture')),
    pictureFile('fake.jpg', Buffer.from('text')),
  ]) {
    await dialog.locator('input[type="file"]').setInputFiles(file);
    await expect(dialog.getByRole('alert').filter({ hasText: 'not a picture Frontdesk can read' })).toBeVisible();
    await expect(dialog.getByRole('img', { name: /ready to check in/ })).toHaveCount(0);
  }
  // A phone's photo: 4000 × 3000 stored sideways with EXIF orientation 6, fine noise so it is large.
  const noise = Buffer.alloc(4000 * 3000 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  const phone = await sharp(noise, { raw: { width: 4000, height: 3000, channels: 3 } })
    .jpeg({ quality: 98 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
  expect(phone.length).toBeGreaterThan(5 * 1024 * 1024);
  await fillVisitor(dialog, 'Phone Photo', '7002');
  await dialog.locator('input[type="file"]').setInputFiles(pictureFile('IMG_0001.jpg', phone));
  await expect(dialog.getByRole('img', { name: /ready to check in/ })).toBeVisible({ timeout: 20_000 });
  await dialog.getByRole('button', { name: 'Check in', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  const card = page.locator('.card').first();
  await expect(card.locator('.name')).toHaveText('Phone Photo');
  await card.locator('.card-open').click();
  const viewer = page.getByRole('dialog', { name: 'Phone Photo' });
  const full = viewer.locator('img.full');
  await expect(full).toBeVisible();
  // Upright (taller than wide), at most 12 MP.
  const size = await full.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
  expect(size[1]!).toBeGreaterThan(size[0]!);
  expect(size[0]! * size[1]!).toBeLessThanOrEqual(12_000_000);
});

test('a tab whose session ended elsewhere shows sign-in at once, faces gone', async ({ page, desk, context }) => {
  await signIn(page, desk);
  const other = await context.newPage();
  await other.goto(desk.url);
  await thumbnailsSettled(other);
  await page.getByRole('button', { name: E2E_STAFF.username, exact: true }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(other.getByRole('button', { name: 'Sign in' })).toBeVisible({ timeout: 10_000 });
  await expect(other.locator('.card')).toHaveCount(0);
  await expect(other.locator('img')).toHaveCount(0);
});

test('On site now has its own search; / focuses it and Escape clears it', async ({ page, desk }) => {
  await signIn(page, desk);
  await thumbnailsSettled(page);
  const first = page.locator('.card').first();
  const name = (await first.locator('.name').textContent())!;
  await page.keyboard.press('/');
  const search = page.getByRole('searchbox', { name: /Search who is on site/ });
  await expect(search).toBeFocused();
  await search.fill(name);
  await expect(page.locator('.card .name').first()).toHaveText(name);
  await expect(page.getByRole('status').filter({ hasText: /match/ })).toBeVisible();
  await screenshot(page, '51-on-site-search');
  await search.fill('zzzz-nobody');
  await expect(page.getByText('Nobody on site matches')).toBeVisible();
  await search.press('Escape');
  await expect(search).toHaveValue('');
  await expect(page.locator('.card').first()).toBeVisible();
});

test('the Exit button covers no face, in large and small cards', async ({ page, desk }) => {
  await signIn(page, desk);
  await thumbnailsSettled(page);
  for (const density of ['Large cards', 'Small cards']) {
    await page.getByRole('radio', { name: density }).click();
    const card = page
      .locator('.card')
      .filter({ has: page.locator('img.thumb') })
      .first();
    const photo = (await card.locator('.photo').boundingBox())!;
    const exit = (await card.locator('.card-exit').boundingBox())!;
    expect(exit.y, density).toBeGreaterThanOrEqual(photo.y + photo.height);
  }
});

test('a mistake at check-in is corrected in the viewer; an exit is undone; the form suggests the next card', async ({
  page,
  desk,
}) => {
  await signIn(page, desk);
  const dialog = await openCheckIn(page);
  await expect(dialog.getByLabel('Card number')).not.toHaveValue('');
  const suggested = await dialog.getByLabel('Card number').inputValue();
  expect(Number(suggested)).toBeGreaterThan(0);
  await dialog.getByLabel('Full name').fill('Jhon Smiht');
  await dialog.getByLabel('Mobile').fill('+44 7700 900777');
  await dialog.getByLabel('Purpose').fill('Meeting');
  await chooseFile(dialog, pictureFile('john.jpg', await makeImage('jpeg', 600, 800, 9)));
  await dialog.getByRole('button', { name: 'Check in', exact: true }).click();
  await expect(dialog).toHaveCount(0);

  const card = page.locator('.card').first();
  await expect(card.locator('.name')).toHaveText('Jhon Smiht');
  await expect(card).toContainText(`#${suggested}`);
  // The next check-in suggests another card: that one is held now.
  const again = await openCheckIn(page);
  await expect(again.getByLabel('Card number')).not.toHaveValue(suggested);
  await expect(again.getByLabel('Card number')).not.toHaveValue('');
  await page.keyboard.press('Escape');
  await expect(again).toHaveCount(0);
  await card.locator('.card-open').click();
  const viewer = page.getByRole('dialog', { name: 'Jhon Smiht' });
  await viewer.getByRole('button', { name: 'Edit…' }).click();
  const edit = page.getByRole('dialog', { name: 'Correct Jhon Smiht' });
  await edit.getByLabel('Full name').fill('John Smith');
  await edit.getByLabel('Card number').fill('8888');
  await screenshot(page, '52-correct-visitor');
  await edit.getByRole('button', { name: 'Save correction' }).click();
  // The correction's title follows the name as it saves: wait for no correction dialog at all.
  await expect(page.getByRole('dialog', { name: /^Correct / })).toHaveCount(0);
  await expect(page.getByRole('dialog', { name: 'John Smith', exact: true })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(card.locator('.name')).toHaveText('John Smith');

  await card.getByRole('button', { name: 'Record exit of John Smith' }).click();
  await page
    .getByRole('dialog', { name: 'Record exit of John Smith?' })
    .getByRole('button', { name: 'Record exit' })
    .click();
  const undo = page.getByRole('status').filter({ hasText: 'John Smith has left' });
  await expect(undo).toBeVisible();
  await screenshot(page, '53-exit-undo');
  await undo.getByRole('button', { name: 'Undo' }).click();
  await expect(page.locator('.card').filter({ hasText: 'John Smith' })).toHaveCount(1);

  // The trail names what was corrected, in words, never the values.
  await page.getByRole('button', { name: E2E_STAFF.username, exact: true }).click();
  await page.getByRole('dialog', { name: 'This desk' }).getByRole('button', { name: 'Administration' }).click();
  await page.getByRole('button', { name: 'Audit trail', exact: true }).click();
  const corrected = page.getByRole('table', { name: 'Audit trail' }).getByRole('row', { name: /Corrected a visitor/ });
  await expect(corrected.filter({ hasText: 'corrected name, card' })).toHaveCount(1);
  await expect(corrected.filter({ hasText: 'exit undone' })).toHaveCount(1);
  await screenshot(page, '58-audit-corrections');
});

test('a suggested card that lands while the receptionist is in the field is replaced by what they type', async ({
  page,
  desk,
}) => {
  // The suggestion is held back until the card field has the focus, as on a slow morning.
  let answer: () => void = () => {};
  const held = new Promise<void>((resolve) => (answer = resolve));
  await page.route('**/v1/cards/next', async (route) => {
    await held;
    await route.continue();
  });
  await signIn(page, desk);
  const dialog = await openCheckIn(page);
  const cardNo = dialog.getByLabel('Card number');
  await cardNo.focus();
  await expect(cardNo).toHaveValue('');
  answer();
  await expect(cardNo).not.toHaveValue('');
  await page.keyboard.type('77');
  await expect(cardNo).toHaveValue('77');
});

test('staff changes are confirmed in words; the last admin is offered neither demotion nor deactivation', async ({
  page,
  desk,
}) => {
  await signIn(page, desk);
  await page.getByRole('button', { name: E2E_STAFF.username, exact: true }).click();
  await page.getByRole('dialog', { name: 'This desk' }).getByRole('button', { name: 'Administration' }).click();
  const me = page.getByRole('row').filter({ hasText: E2E_STAFF.username });
  await expect(me.getByRole('button', { name: /Deactivate/ })).toHaveCount(0);
  await expect(me).toContainText('The only active administrator');
  await expect(me.getByLabel(`Role of ${E2E_STAFF.username}`)).toBeDisabled();

  const form = page.getByRole('form', { name: 'Add a staff account' });
  await form.getByLabel('Username').fill('tom');
  await form.getByLabel('Password').fill('a password for tom');
  await form.getByRole('button', { name: 'Add account' }).click();
  const tom = page.getByRole('row').filter({ hasText: 'tom' });
  await tom.getByLabel('Role of tom').selectOption('admin');
  const ask = page.getByRole('dialog', { name: 'Make tom an administrator?' });
  await expect(ask).toContainText('tom will manage staff');
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(tom.getByLabel('Role of tom')).toHaveValue('reception');

  await tom.getByRole('button', { name: 'Deactivate…' }).click();
  const deactivate = page.getByRole('dialog', { name: 'Deactivate tom?' });
  await expect(deactivate).toContainText('tom’s sessions end at once');
  await screenshot(page, '54-deactivate-confirm');
  await deactivate.getByRole('button', { name: 'Deactivate' }).click();
  await expect(tom).toContainText('Deactivated');

  await page.getByRole('button', { name: 'Audit trail', exact: true }).click();
  const trail = page.getByRole('table', { name: 'Audit trail' });
  await expect(trail.getByRole('row').filter({ hasText: 'Changed a staff account' }).first()).toContainText(
    'tom: deactivated',
  );
  await expect(trail.getByRole('row').filter({ hasText: 'Added a staff account' }).first()).toContainText(
    'tom (reception)',
  );
});

test('the roll call shows mobiles, safe and missing at a glance, and Enter marks the one found', async ({
  page,
  desk,
}) => {
  await signIn(page, desk);
  await page.getByRole('button', { name: 'Evacuation' }).click();
  await page.getByRole('button', { name: /Drill/ }).click();
  const roll = page.getByRole('list', { name: 'The roll' });
  const first = roll.locator('.roll-person').first();
  await expect(first.locator('.roll-mobile')).toContainText(/\+?\d{6,}/);
  const name = (await first.locator('.roll-name').textContent())!;
  const missingColour = await first.locator('.roll-state').evaluate((el) => getComputedStyle(el).backgroundColor);
  const search = page.getByRole('searchbox', { name: /Find a person on the roll/ });
  await search.fill(name);
  await search.press('Enter');
  await expect(search).toHaveValue('');
  const marked = roll.locator('.roll-person', { hasText: name }).first();
  await expect(marked).toHaveAttribute('aria-pressed', 'true');
  await expect(marked.locator('.roll-state')).toContainText('SAFE');
  const safeColour = await marked.locator('.roll-state').evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(safeColour).not.toBe(missingColour);
  await screenshot(page, '55-roll-call-glance');
});

test('an expected visit for tomorrow is confirmed by its day, shown on that day, and can be cancelled', async ({
  page,
  desk,
}) => {
  await signIn(page, desk);
  await page.getByRole('button', { name: /^Expected/ }).click();
  await page.getByRole('button', { name: '+ Expect a visitor' }).click();
  const expectDialog = page.getByRole('dialog', { name: 'Expect a visitor' });
  await expectDialog.getByLabel('Full name').fill('Tomorrow Tess');
  await expectDialog.getByRole('button', { name: 'Tomorrow' }).click();
  await expectDialog.getByLabel('Arrives at (optional)').fill('09:15');
  await expectDialog.getByRole('button', { name: 'Add to expected' }).click();
  const confirmation = page.getByRole('dialog', { name: 'Visitor expected' });
  await expect(confirmation.getByRole('status')).toContainText('Tomorrow Tess is expected tomorrow');
  await screenshot(page, '56-expected-tomorrow-confirmed');
  await confirmation.getByRole('button', { name: 'Show that day' }).click();
  const visit = page.locator('.expected-item', { hasText: 'Tomorrow Tess' });
  await expect(visit).toContainText('09:15');
  await expect(visit.getByRole('button', { name: 'Check in', exact: true })).toHaveCount(0);
  await page.getByRole('button', { name: 'This week' }).click();
  await expect(visit).toBeVisible();
  await visit.getByRole('button', { name: 'Cancel visit: Tomorrow Tess' }).click();
  await page
    .getByRole('dialog', { name: 'Cancel the visit of Tomorrow Tess?' })
    .getByRole('button', { name: 'Cancel the visit' })
    .click();
  await expect(visit.locator('.status-tag')).toHaveText('Cancelled');
});

test('an empty desk says what to do first', async ({ page }) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-e2e-empty-'));
  const served = await startServe(dataDir);
  try {
    await page.goto(served.url);
    await page.getByLabel('Username').fill('first-admin');
    await page.getByLabel('Password', { exact: true }).fill('a long first password');
    await page.getByLabel('Repeat password').fill('a long first password');
    await page.getByRole('button', { name: 'Create account and sign in' }).click();
    const start = page.getByRole('region', { name: /To get this desk ready/ });
    await expect(start).toContainText('Add the people visitors come to see');
    await expect(start).toContainText('Choose when everyone still signed in is signed out');
    await screenshot(page, '57-getting-started');
    await start.getByRole('button', { name: 'Set the sign-out time' }).click();
    await expect(page.getByRole('form', { name: 'Settings' })).toBeVisible();
    await page.getByRole('button', { name: 'first-admin', exact: true }).click();
    await expect(page.getByRole('dialog', { name: 'This desk' })).toContainText(dataDir);
  } finally {
    await stopServe(served.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
