#!/usr/bin/env node
// `npm start`: build, then open the desk in Electron, or, where the Electron runtime
// cannot be had (a locked-down network), say so in one line and serve the same desk
// to a browser instead.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronPkg = path.join(root, 'node_modules', 'electron');
const passThrough = process.argv.slice(2);

function run(command, args, options = {}) {
  return spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
}

function electronBinary() {
  const pathFile = path.join(electronPkg, 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const binary = path.join(electronPkg, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(binary) ? binary : null;
}

if (
  run(process.execPath, [
    path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'),
    'build',
    '--logLevel',
    'warn',
  ]).status !== 0
) {
  process.exit(1);
}

let binary = electronBinary();
let why = '';
if (!binary && fs.existsSync(path.join(electronPkg, 'install.js'))) {
  // Electron downloads its runtime on first use; try once, quietly, with a deadline.
  const attempt = run(process.execPath, [path.join(electronPkg, 'install.js')], { stdio: 'pipe', timeout: 180_000 });
  binary = electronBinary();
  const detail = `${attempt.stderr ?? ''}`
    .split('\n')
    .find((line) => /error|fail/i.test(line))
    ?.trim();
  why = detail || (attempt.error ? attempt.error.message : 'its download did not complete');
} else if (!binary) {
  why = 'the electron package is not installed';
}

if (binary) {
  const child = spawn(binary, [root, ...passThrough], { cwd: root, stdio: ['inherit', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    process.stderr.write(chunk);
  });
  child.on('exit', (code, signal) => {
    if (code === 0) process.exit(0);
    // A crash is a failure with its reason, never a quiet exit 0.
    console.error(`Frontdesk: Electron ${signal ? `was ended by ${signal}` : `exited with code ${code}`}.`);
    if (/sandbox/i.test(stderr)) {
      // Ubuntu 23.10+ restricts the unprivileged user namespaces Chromium's sandbox needs
      // (electron/electron#42510). Fix the sandbox; never run without it.
      console.error(
        "Frontdesk: Chromium's sandbox could not start. Give the helper its rights once:\n" +
          '  sudo chown root node_modules/electron/dist/chrome-sandbox && sudo chmod 4755 node_modules/electron/dist/chrome-sandbox\n' +
          'or allow user namespaces for Electron with an AppArmor profile (see README, "The desktop app").',
      );
    }
    process.exit(code || 1);
  });
} else {
  console.log(
    `Frontdesk: the Electron runtime could not be downloaded (${why}); starting the same desk in browser mode: open the address below.`,
  );
  const child = spawn(process.execPath, [path.join(root, 'out/main/cli.js'), 'serve', ...passThrough], {
    cwd: root,
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}
