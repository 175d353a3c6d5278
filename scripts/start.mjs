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
  const child = spawn(binary, [root, ...passThrough], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
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
