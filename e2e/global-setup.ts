import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findElectronBinary } from '../src/main/electron-binary';
import { CHROMIUM_PATH } from './chromium';
import { CLI, E2E_STAFF, ROOT, TEMPLATE_PARENT } from './paths';

/**
 * Seeds one data folder with a few hundred visitors; every test gets its own copy of it
 * (see fixtures.ts), so tests never see each other's check-ins and exits.
 */
export default function globalSetup(): () => void {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build:app" first (npm run test:e2e does).`);
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does.`,
    );
  }
  const electron = findElectronBinary(ROOT);
  if ('missing' in electron) console.log(`Electron specs will be skipped: ${electron.missing}.`);
  fs.mkdirSync(TEMPLATE_PARENT, { recursive: true });
  const template = fs.mkdtempSync(path.join(TEMPLATE_PARENT, 'template-'));
  // Workers inherit the environment of the process that runs global setup.
  process.env.FRONTDESK_E2E_TEMPLATE = template;
  const env = { ...process.env, FRONTDESK_LOG: 'warn' };
  execFileSync('node', [CLI, 'seed', '--visitors', '300', '--data-dir', template], { env, stdio: 'pipe' });
  execFileSync('node', [CLI, 'user', 'add', E2E_STAFF.username, '--data-dir', template], {
    env,
    input: `${E2E_STAFF.password}\n`,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return () => fs.rmSync(template, { recursive: true, force: true });
}
