import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');
export const CLI = path.join(ROOT, 'out/main/cli.js');
/**
 * The seeded data folder every test copies. Its own per run (global-setup.ts names it and
 * the workers inherit the name): two suites on one machine must not rebuild each other's.
 */
export function templateDir(): string {
  const dir = process.env.FRONTDESK_E2E_TEMPLATE;
  if (!dir) throw new Error('FRONTDESK_E2E_TEMPLATE is not set: run the specs through playwright test.');
  return dir;
}
export const TEMPLATE_PARENT = path.join(os.tmpdir(), 'frontdesk-e2e');
export const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');
export const E2E_STAFF = { username: 'reception', password: 'correct horse battery' };
