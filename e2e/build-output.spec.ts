import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { ROOT } from './paths';

/**
 * The built Electron entry points, checked where the build exists (this stage builds first).
 * A sandboxed preload is loaded as CommonJS and may require only 'electron': an ESM preload,
 * or one that pulls in another module, fails to load and leaves the desk without its bridge.
 */
test('the preload is CommonJS and requires nothing but electron', () => {
  const preload = fs.readFileSync(path.join(ROOT, 'out/preload/index.js'), 'utf8');
  expect(preload).not.toMatch(/^\s*(import|export)\s/m);
  const required = [...preload.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
  expect([...new Set(required)]).toEqual(['electron']);
});

test('main finds the preload and the renderer where the build put them', () => {
  for (const file of ['out/main/index.js', 'out/preload/index.js', 'out/renderer/index.html']) {
    expect([file, fs.existsSync(path.join(ROOT, file))]).toEqual([file, true]);
  }
});
