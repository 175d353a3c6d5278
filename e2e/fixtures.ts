import { test as base, expect, type Page, type Request } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ARTIFACTS, CLI, E2E_STAFF, templateDir } from './paths';

export interface DeskServer {
  url: string;
  dataDir: string;
}

/**
 * Starts `frontdesk serve` on a port (0: a free one), on a desk's data folder or a company
 * server's database and photo folder, and resolves once it prints its address (and its peer
 * listener's, when `--peer-port` is among `extra`).
 */
export async function startServe(
  where: string | { database: string; photos: string },
  port = 0,
  extra: string[] = [],
): Promise<{ url: string; peers: string | undefined; child: ChildProcess }> {
  const store =
    typeof where === 'string' ? ['--data-dir', where] : ['--database', where.database, '--photos', where.photos];
  const child = spawn('node', [CLI, 'serve', ...store, '--port', String(port), ...extra], {
    env: { ...process.env, FRONTDESK_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const peersAsked = extra.includes('--peer-port');
  let seen = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /Frontdesk listening on (http:\/\/\S+)/.exec(seen);
      if (match && (!peersAsked || /Frontdesk peers on \S+\n/.test(seen))) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${seen}`)));
  });
  return { url, peers: /Frontdesk peers on (\S+)/.exec(seen)?.[1], child };
}

export const test = base.extend<{ desk: DeskServer; requests: Request[] }>({
  // Playwright reads a fixture's dependencies from its destructuring pattern: none here.
  // eslint-disable-next-line no-empty-pattern
  desk: async ({}, use) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-e2e-'));
    fs.cpSync(templateDir(), dataDir, { recursive: true });
    const { url, child } = await startServe(dataDir);
    await use({ url, dataDir });
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  },
  /** Every request the page made, from the browser's own network log. */
  requests: async ({ page }, use) => {
    const seen: Request[] = [];
    page.on('request', (request) => seen.push(request));
    await use(seen);
  },
});

export { expect };

export async function signIn(page: Page, desk: DeskServer, staff = E2E_STAFF): Promise<void> {
  await page.goto(desk.url);
  await page.getByLabel('Username').fill(staff.username);
  await page.getByLabel('Password').fill(staff.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: /On site now/ })).toBeVisible();
}

/** Ends a `serve` started by startServe and waits for it to be gone. */
export async function stopServe(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

/** The API paths of thumbnail and full-photo requests seen so far. */
export function photoRequests(requests: Request[]): { thumbs: string[]; full: string[] } {
  const paths = requests.map((r) => new URL(r.url()).pathname);
  return {
    thumbs: paths.filter((p) => p.startsWith('/v1/photo/thumb/')),
    full: paths.filter((p) => p.startsWith('/v1/photo/') && !p.startsWith('/v1/photo/thumb/')),
  };
}

/**
 * Every rendered card shows its thumbnail (or initials). Not "network idle": the desk
 * keeps its live-updates stream open, so the network is never idle.
 */
export async function thumbnailsSettled(page: Page): Promise<void> {
  await expect(page.locator('.card img.thumb').first()).toBeVisible();
  await expect(page.locator('.card:not(:has(img.thumb)):not(:has(.initials))')).toHaveCount(0);
}
