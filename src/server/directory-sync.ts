import fs from 'node:fs';

/**
 * A file renamed into a folder survives a power cut only once the folder's entries are
 * flushed too: on Linux and macOS a folder opened read-only can be. Windows refuses to
 * flush a folder's handle (every such call fails with EPERM, which would fail every
 * check-in with a photo on a Windows desk); there NTFS's own journal makes the rename
 * durable, within seconds rather than before the answer.
 */
function foldersFlush(platform: NodeJS.Platform): boolean {
  return platform !== 'win32';
}

/** Flushes a folder's entries, where the system allows it (see above). */
export async function syncDirectory(dir: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  if (!foldersFlush(platform)) return;
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** syncDirectory for start-up and one-off writes that run before the server answers anyone. */
export function syncDirectorySync(dir: string, platform: NodeJS.Platform = process.platform): void {
  if (!foldersFlush(platform)) return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
