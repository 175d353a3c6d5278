import type { Browser, Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkInForm, freePort } from '../test/helpers/server';
import { makeImage } from '../test/helpers/images';
import { pageToken } from './api';
import { expect, screenshot, startServe, stopServe, test, type DeskServer } from './fixtures';

const ADMIN = { username: 'siteadmin', password: 'a site admin password' };

async function openPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  return context.newPage();
}

/** A check-in through the API, as another receptionist at that desk would make it. */
async function checkIn(desk: DeskServer, token: string, name: string, card: number): Promise<void> {
  const body = checkInForm(await makeImage('jpeg', 320, 240, card), { name, cardno: String(card) });
  const response = await fetch(`${desk.url}/v1/add/`, {
    method: 'POST',
    body,
    headers: { authorization: `Token ${token}` },
  });
  expect(response.status).toBe(200);
}

/** Where one desk reaches the other: an unreachable address cuts the link one way. */
async function reach(desk: DeskServer, token: string, other: string, address: string): Promise<void> {
  const response = await fetch(`${desk.url}/v1/admin/site/desks/${other}/address`, {
    method: 'PUT',
    headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ address }),
  });
  expect(response.status).toBe(200);
}

async function deskId(desk: DeskServer, token: string): Promise<string> {
  const response = await fetch(`${desk.url}/v1/site`, { headers: { authorization: `Token ${token}` } });
  return ((await response.json()) as { data: { site: { desk_id: string } } }).data.site.desk_id;
}

test('two desks of one site: set up from the screens, each other’s check-ins, one roll with everyone, apart and together again', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-e2e-desks-')));
  const started = await Promise.all(dirs.map((dir) => startServe(dir)));
  const [front, side] = started.map(({ url }, i) => ({ url, dataDir: dirs[i]! })) as [DeskServer, DeskServer];
  const [frontPort, sidePort] = [await freePort(), await freePort()];
  try {
    // The front desk: its first account, then the first desk of a site.
    const atFront = await openPage(browser);
    await atFront.goto(front.url);
    await atFront.getByLabel('Username').fill(ADMIN.username);
    await atFront.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await atFront.getByLabel('Repeat password').fill(ADMIN.password);
    await atFront.getByRole('button', { name: 'Create account and sign in' }).click();
    await atFront.getByRole('button', { name: ADMIN.username, exact: true }).click();
    await atFront.getByRole('dialog', { name: 'This desk' }).getByRole('button', { name: 'Administration' }).click();
    await atFront.getByRole('button', { name: 'Site', exact: true }).click();
    const create = atFront.getByRole('form', { name: 'Make this desk the first desk of a site' });
    await create.getByLabel('Site').fill('Campus');
    await create.getByLabel('This desk', { exact: true }).fill('Front door');
    await create.getByLabel('This desk’s address on the network').selectOption('127.0.0.1');
    await create.getByLabel('Port').fill(String(frontPort));
    await screenshot(atFront, '70-site-create');
    await create.getByRole('button', { name: 'Make this desk the first of a site' }).click();
    await expect(atFront.getByText(`https://127.0.0.1:${frontPort}`).first()).toBeVisible();
    await atFront.getByRole('button', { name: 'Add a desk' }).click();
    const invitation = atFront.locator('.join-code');
    const code = (await invitation.locator('code.code').textContent())!;
    const address = (await invitation.locator('dd code').first().textContent())!;
    await screenshot(atFront, '71-site-add-a-desk');

    // The side desk's first run: it joins the site, then signs in with the site's account.
    const atSide = await openPage(browser);
    await atSide.goto(side.url);
    await atSide.getByRole('button', { name: /Or join a site/ }).click();
    const join = atSide.getByRole('form', { name: 'Join a site' });
    await join.getByLabel('Address of that desk').fill(address);
    await join.getByLabel('Code').fill(code);
    await join.getByLabel('This desk', { exact: true }).fill('Side door');
    await join.getByLabel('This desk’s address on the network').selectOption('127.0.0.1');
    await join.getByLabel('Port').fill(String(sidePort));
    await screenshot(atSide, '72-join-a-site');
    await join.getByRole('button', { name: 'Join the site' }).click();
    await expect(atSide.getByText('This desk joined the site: sign in with your account there.')).toBeVisible({
      timeout: 30_000,
    });
    await atSide.getByLabel('Username').fill(ADMIN.username);
    await atSide.getByLabel('Password').fill(ADMIN.password);
    await atSide.getByRole('button', { name: 'Sign in' }).click();
    await expect(atSide.getByRole('status').filter({ hasText: 'desks' })).toHaveText(/2 desks\s*in sync/, {
      timeout: 20_000,
    });

    // A check-in at the front door is on the side door's grid.
    await atFront.getByRole('button', { name: 'Back to the desk' }).click();
    const frontToken = await pageToken(atFront);
    const sideToken = await pageToken(atSide);
    await checkIn(front, frontToken, 'Farah Front', 31);
    await expect(atSide.getByText('Farah Front')).toBeVisible({ timeout: 15_000 });
    await screenshot(atSide, '73-side-desk-with-front-check-in');

    // A roll call started at the side door has the front door's visitor, and says when it last heard from it.
    await atSide.getByRole('button', { name: 'Evacuation', exact: true }).click();
    await atSide
      .getByRole('dialog', { name: 'Evacuation: drill or real?' })
      .getByRole('button', { name: 'Drill' })
      .click();
    await expect(atSide.locator('.roll-person').filter({ hasText: 'Farah Front' })).toBeVisible();
    await expect(atSide.locator('.roll-head .roll-desks')).toContainText('Front door: last heard');
    await screenshot(atSide, '74-roll-call-of-the-site');
    await atSide.getByRole('button', { name: 'Close roll call…' }).click();
    await atSide.getByRole('dialog').getByRole('button', { name: /Close/ }).last().click();
    await atSide.getByRole('button', { name: /Back/ }).first().click();

    // The link cut both ways: both desks go on working with their own check-ins.
    const [frontId, sideId] = [await deskId(front, frontToken), await deskId(side, sideToken)];
    await reach(front, frontToken, sideId, 'https://127.0.0.1:9');
    await reach(side, sideToken, frontId, 'https://127.0.0.1:9');
    await checkIn(front, frontToken, 'Alone Front', 32);
    // The same card, handed out at both doors while they could not reach each other.
    await checkIn(side, sideToken, 'Alone Side', 32);
    await expect(atFront.getByText('Alone Front')).toBeVisible();
    await expect(atSide.getByText('Alone Side')).toBeVisible();
    await expect(atSide.getByRole('status').filter({ hasText: 'Front door' })).toContainText(
      /Front door\s*last heard \d\d:\d\d/,
      { timeout: 40_000 },
    );
    await expect(atSide.getByText('Alone Front')).toHaveCount(0);
    await screenshot(atSide, '75-side-desk-apart');

    // Healed: both desks hold both.
    await reach(front, frontToken, sideId, `https://127.0.0.1:${sidePort}`);
    await reach(side, sideToken, frontId, `https://127.0.0.1:${frontPort}`);
    await expect(atFront.getByText('Alone Side')).toBeVisible({ timeout: 20_000 });
    await expect(atSide.getByText('Alone Front')).toBeVisible({ timeout: 20_000 });
    await expect(atSide.getByRole('status').filter({ hasText: 'desks' })).toHaveText(/2 desks\s*in sync/, {
      timeout: 20_000,
    });
    // Both check-ins stay, and both desks show the card in use twice.
    for (const page of [atFront, atSide]) await expect(page.locator('.card-shared')).toHaveCount(2);
    await screenshot(atSide, '77-card-in-use-twice');
    await atFront.getByRole('button', { name: ADMIN.username, exact: true }).click();
    await atFront.getByRole('dialog', { name: 'This desk' }).getByRole('button', { name: 'Administration' }).click();
    await atFront.getByRole('button', { name: 'Site', exact: true }).click();
    await expect(atFront.getByRole('table', { name: 'Desks of the site' })).toContainText('Side door');
    await screenshot(atFront, '76-site-desks');
  } finally {
    await Promise.all(started.map(({ child }) => stopServe(child)));
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
});
