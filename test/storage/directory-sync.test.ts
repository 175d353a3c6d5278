import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { syncDirectory, syncDirectorySync } from '../../src/server/directory-sync';
import { tempDataDir } from '../helpers/server';

describe('flushing a folder after a rename into it', () => {
  it('opens and flushes the folder where the system allows it', async () => {
    const dir = tempDataDir();
    await expect(syncDirectory(dir, 'linux')).resolves.toBeUndefined();
    expect(() => syncDirectorySync(dir, 'darwin')).not.toThrow();
    // It does open the folder: a missing one is an error, not skipped.
    const missing = path.join(dir, 'missing');
    await expect(syncDirectory(missing, 'linux')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => syncDirectorySync(missing, 'linux')).toThrow(/ENOENT/);
  });

  it('leaves the folder alone on Windows, which refuses to flush one', async () => {
    const missing = path.join(tempDataDir(), 'missing');
    await expect(syncDirectory(missing, 'win32')).resolves.toBeUndefined();
    expect(() => syncDirectorySync(missing, 'win32')).not.toThrow();
    expect(fs.existsSync(missing)).toBe(false);
  });
});
