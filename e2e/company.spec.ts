import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postgresBinaries, startPostgres, type PostgresCluster } from '../test/helpers/postgres-cluster';
import { checkInForm } from '../test/helpers/server';
import { makeImage } from '../test/helpers/images';
import { expect, screenshot, signIn, startServe, stopServe, test } from './fixtures';
import { CLI, E2E_STAFF } from './paths';

const binaries = postgresBinaries();
if ('missing' in binaries) console.log(`The head-office screen's spec is skipped: ${binaries.missing}`);

const HEAD_OFFICE = { username: 'security', password: 'head office password' };

async function signInOver(url: string, username: string, password: string): Promise<string> {
  const answer = await fetch(`${url}/v1/oauth/`, { method: 'POST', body: new URLSearchParams({ username, password }) });
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { data: { access_token: string } }).data.access_token;
}

async function post(url: string, token: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

test('head office: every site, its people on the premises, an open roll call first, each desk’s last word', async ({
  page,
}) => {
  test.skip('missing' in binaries, 'no PostgreSQL server on this machine');
  test.setTimeout(180_000);
  const folders: string[] = [];
  const folder = (): string => {
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-e2e-company-'));
    folders.push(made);
    return made;
  };
  const children: ChildProcess[] = [];
  let cluster: PostgresCluster | undefined;
  try {
    cluster = await startPostgres((binaries as { bin: string }).bin);
    const store = { database: await cluster.createDatabase('headoffice'), photos: folder() };
    const cli = (...args: string[]): string =>
      execFileSync('node', [CLI, ...args], { env: { ...process.env, FRONTDESK_LOG: 'silent' } })
        .toString()
        .trim();
    const onCompany = (...args: string[]): string =>
      cli(...args, '--database', store.database, '--photos', store.photos)
        .split('\n')
        .at(-1)!;
    execFileSync(
      'node',
      [CLI, 'user', 'add', HEAD_OFFICE.username, '--database', store.database, '--photos', store.photos],
      { input: `${HEAD_OFFICE.password}\n`, env: { ...process.env, FRONTDESK_LOG: 'silent' } },
    );
    const sites = { north: onCompany('site', 'create', '--name', 'North campus'), south: '' };
    sites.south = onCompany('site', 'create', '--name', 'South campus');
    onCompany('site', 'create', '--name', 'Warehouse');
    const company = await startServe(store, 0, ['--peer-port', '0']);
    children.push(company.child);
    const headToken = await signInOver(company.url, HEAD_OFFICE.username, HEAD_OFFICE.password);

    /** A desk of a site, joined to the company server, signed in with the site's account made at head office. */
    for (const siteId of [sites.north, sites.south]) {
      const account = await post(`${company.url}/v1/admin/users`, headToken, { ...E2E_STAFF, site_id: siteId });
      expect(account.status).toBe(201);
    }
    const deskOf = async (siteId: string, name: string): Promise<{ url: string; token: string }> => {
      const dataDir = folder();
      const code = onCompany('site', 'invite', '--site', siteId);
      cli('site', 'join', '--peer', company.peers!, '--code', code, '--name', name, '--data-dir', dataDir);
      const desk = await startServe(dataDir, 0, ['--peer-port', '0']);
      children.push(desk.child);
      return { url: desk.url, token: await signInOver(desk.url, E2E_STAFF.username, E2E_STAFF.password) };
    };
    const north = await deskOf(sites.north, 'Main entrance');
    await deskOf(sites.north, 'Loading bay');
    const south = await deskOf(sites.south, 'Reception');
    for (const [name, card] of [
      ['Ana Lima', 3],
      ['Ben Okafor', 4],
    ] as const) {
      const body = checkInForm(await makeImage('jpeg', 320, 240, card), { name, cardno: String(card) });
      const added = await fetch(`${north.url}/v1/add/`, {
        method: 'POST',
        body,
        headers: { authorization: `Token ${north.token}` },
      });
      expect(added.status).toBe(200);
    }
    expect((await post(`${south.url}/v1/evacuations`, south.token, { kind: 'drill' })).status).toBe(201);

    // Head office signs in on the company server: it opens on the sites.
    await signIn(page, { url: company.url, dataDir: store.photos }, HEAD_OFFICE);
    await expect(page.getByRole('button', { name: /^Sites/ })).toHaveAttribute('aria-pressed', 'true');
    const cards = page.locator('.site-card');
    await expect(cards.first()).toHaveAttribute('aria-label', 'South campus');
    await expect(cards.first().getByText('Roll call open')).toBeVisible();
    const northCard = page.getByRole('listitem', { name: 'North campus' });
    await expect(northCard.getByText(/^2\s*people on the premises$/)).toBeVisible({ timeout: 30_000 });
    await expect(northCard.getByRole('listitem').filter({ hasText: 'Main entrance' })).toContainText('last heard');
    await expect(northCard.getByRole('listitem').filter({ hasText: 'Loading bay' })).toContainText('last heard');
    await expect(page.getByRole('listitem', { name: 'Warehouse' })).toContainText('No desk has joined yet.');
    await expect(page.getByRole('status').filter({ hasText: '3 sites' })).toContainText(
      '3 sites · 2 people on the premises · 1 roll call open',
    );
    await screenshot(page, 'head-office');

    // Who is on the premises anywhere: each card says where, with its face; the site acts on it, not head office.
    await page.getByRole('button', { name: /^On site now/ }).click();
    const ana = page.locator('.card').filter({ hasText: 'Ana Lima' });
    await expect(ana.locator('.site-tag')).toHaveText('North campus');
    await expect(ana.locator('img.thumb')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Record exit of Ana Lima' })).toHaveCount(0);
    await screenshot(page, 'head-office-on-site');
    await ana.locator('.card-open').click();
    const viewer = page.getByRole('dialog', { name: 'Ana Lima' });
    await expect(viewer.getByText(/badges, corrections and exits are made at its desks/)).toBeVisible();
    await expect(viewer.getByRole('button', { name: 'Record exit' })).toHaveCount(0);
    await screenshot(page, 'head-office-viewer');
    await page.keyboard.press('Escape');
    await expect(viewer).toHaveCount(0);

    // A check-in at a site's desk comes to head office's open list by its live updates.
    await expect(page.getByRole('status', { name: 'Live updates on' })).toBeVisible();
    const body = checkInForm(await makeImage('jpeg', 320, 240, 5), { name: 'Chloé Martin', cardno: '5' });
    const added = await fetch(`${south.url}/v1/add/`, {
      method: 'POST',
      body,
      headers: { authorization: `Token ${south.token}` },
    });
    expect(added.status).toBe(200);
    const chloe = page.locator('.card').filter({ hasText: 'Chloé Martin' });
    await expect(chloe.locator('.site-tag')).toHaveText('South campus', { timeout: 30_000 });
    await expect(chloe.locator('img.thumb')).toBeVisible();
    await screenshot(page, 'head-office-live');

    // Head office looks at one site: who is on its premises, then its history.
    const siteFilter = page.getByRole('combobox', { name: /^Site/ });
    await siteFilter.selectOption({ label: 'North campus' });
    await expect(page.locator('.card')).toHaveCount(2);
    await expect(page.getByRole('status').filter({ hasText: 'visitors match' })).toHaveText('2 visitors match');
    await expect(page.locator('.card').filter({ hasText: 'Chloé Martin' })).toHaveCount(0);
    await screenshot(page, 'head-office-one-site');
    await page.getByRole('button', { name: /^History/ }).click();
    await siteFilter.selectOption({ label: 'South campus' });
    await expect(page.locator('.card')).toHaveCount(1);
    await expect(page.locator('.card')).toContainText('Chloé Martin');
    await screenshot(page, 'head-office-history-one-site');
  } finally {
    for (const child of children.reverse()) await stopServe(child);
    cluster?.remove();
    for (const made of folders) fs.rmSync(made, { recursive: true, force: true });
  }
});
