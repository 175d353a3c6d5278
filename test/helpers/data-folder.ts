import fs from 'node:fs';
import path from 'node:path';

/** Every file under the data folder, recursively: database, WAL, backups, photos. */
export function allFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((rel) => path.join(dir, rel))
    .filter((file) => fs.statSync(file).isFile());
}

/** The files in which any of the needles occurs, byte for byte. */
export function filesContaining(dir: string, needles: (string | Buffer)[]): string[] {
  const found: string[] = [];
  for (const file of allFiles(dir)) {
    const bytes = fs.readFileSync(file);
    if (needles.some((needle) => bytes.includes(typeof needle === 'string' ? Buffer.from(needle, 'utf8') : needle))) {
      found.push(path.relative(dir, file));
    }
  }
  return found;
}
