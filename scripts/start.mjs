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

/**
 * better-sqlite3 for Electron's ABI, built once into its own folder so that the Node
 * build the tests use is never replaced (src/main/runtime.ts loads it). Prebuilt
 * binaries first; compiling against Electron's headers if there are none.
 */
function ensureElectronAddon() {
  const version = JSON.parse(fs.readFileSync(path.join(electronPkg, 'package.json'), 'utf8')).version;
  const target = path.join(root, 'node_modules', '.frontdesk-electron', `better_sqlite3-electron-${version}.node`);
  if (fs.existsSync(target)) return;
  const work = path.join(root, 'node_modules', '.frontdesk-electron', 'better-sqlite3');
  fs.rmSync(work, { recursive: true, force: true });
  fs.cpSync(path.join(root, 'node_modules', 'better-sqlite3'), work, { recursive: true });
  fs.rmSync(path.join(work, 'build'), { recursive: true, force: true });
  const bin = (name) => path.join(root, 'node_modules', '.bin', name);
  const built =
    run(bin('prebuild-install'), ['--runtime', 'electron', '--target', version], { cwd: work }).status === 0 ||
    run(bin('node-gyp'), ['rebuild', '--release', `--target=${version}`, '--dist-url=https://electronjs.org/headers'], {
      cwd: work,
    }).status === 0;
  if (!built) throw new Error('could not build better-sqlite3 for Electron');
  fs.copyFileSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), target);
}

if (binary) {
  ensureElectronAddon();
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
