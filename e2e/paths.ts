import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');
export const CLI = path.join(ROOT, 'out/main/cli.js');
export const TEMPLATE_DIR = path.join(os.tmpdir(), 'frontdesk-e2e', 'template');
export const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');
export const E2E_STAFF = { username: 'reception', password: 'correct horse battery' };
