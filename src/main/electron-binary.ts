import fs from 'node:fs';
import path from 'node:path';

/**
 * Where the Electron binary would be, without touching the `electron` package's entry
 * point: requiring it starts a download when the binary is missing, and a kiosk network
 * (or this CI) may forbid that. Returns the reason when it is not there.
 */
export function findElectronBinary(root: string): { path: string } | { missing: string } {
  const pkg = path.join(root, 'node_modules', 'electron');
  if (!fs.existsSync(path.join(pkg, 'package.json'))) return { missing: 'the electron package is not installed' };
  const pathFile = path.join(pkg, 'path.txt');
  if (!fs.existsSync(pathFile)) {
    return { missing: 'the Electron runtime was never downloaded (node_modules/electron/path.txt is absent)' };
  }
  const binary = path.join(pkg, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  if (!fs.existsSync(binary)) return { missing: `the Electron runtime is not at ${binary}` };
  return { path: binary };
}
