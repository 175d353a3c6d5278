import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ImageFormat } from '../../shared/api-types';
import { syncDirectory } from '../directory-sync';
import { createOwnerOnlyDir, OWNER_ONLY_DIR, OWNER_ONLY_FILE } from '../file-modes';
import { isVisitorId } from '../ids';

const EXTENSION: Record<ImageFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', bmp: 'bmp' };

export type PhotoKind = 'original' | 'thumb';

/**
 * The photos on disk. Paths are derived from the visitor ID alone (never from a file
 * name a client sent), nested `ab/cd/<id>` so no folder holds a million entries, and
 * every write goes to `tmp/` first, is flushed, then renamed into place: a file under
 * `originals/` or `thumbs/` is always whole.
 */
export class PhotoStore {
  readonly root: string;
  private readonly tmpDir: string;

  constructor(dataDir: string) {
    this.root = path.resolve(dataDir, 'photos');
    this.tmpDir = path.join(this.root, 'tmp');
  }

  /**
   * The store's own folders are 0700 whatever they were before: with `photos/` closed,
   * nothing below it can be reached by another user, however old its mode.
   */
  async init(): Promise<void> {
    for (const dir of [this.root, this.tmpDir, path.join(this.root, 'originals'), path.join(this.root, 'thumbs')]) {
      createOwnerOnlyDir(dir);
    }
  }

  pathOf(visitorId: string, kind: PhotoKind, format: ImageFormat): string {
    // The guard that stops path traversal: only a well-formed ID ever becomes a path.
    if (!isVisitorId(visitorId)) throw new Error('refusing a path for a malformed visitor ID');
    const file = kind === 'thumb' ? `${visitorId}.jpg` : `${visitorId}.${EXTENSION[format]}`;
    const dir = kind === 'thumb' ? 'thumbs' : 'originals';
    // Joined by hand, not path.join: every part is already clean (root resolved, the ID
    // checked above), and this runs for every thumbnail served.
    return `${this.root}${path.sep}${dir}${path.sep}${visitorId.slice(0, 2)}${path.sep}${visitorId.slice(2, 4)}${path.sep}${file}`;
  }

  /**
   * One file of a photo, whole or not at all: written to tmp/ and flushed, renamed into
   * place and its folder flushed. A failure removes its tmp/ file; a file already renamed
   * into place is the caller's to remove, or start-up's, from the intent that names it
   * (photo-intents.ts): the same photo fetched from two desks at once may have been
   * committed meanwhile, and its file must not go with this write's failure.
   */
  async writeFile(visitorId: string, kind: PhotoKind, format: ImageFormat, bytes: Buffer): Promise<void> {
    const target = this.pathOf(visitorId, kind, format);
    const tmp = path.join(this.tmpDir, `${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeDurably(tmp, bytes);
      await fs.mkdir(path.dirname(target), { recursive: true, mode: OWNER_ONLY_DIR });
      await fs.rename(tmp, target);
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw error;
    }
    await syncDirectory(path.dirname(target));
  }

  /** Both files of a photo, each whole (see writeFile for what a failure leaves). */
  async writePhoto(visitorId: string, format: ImageFormat, original: Buffer, thumb: Buffer): Promise<void> {
    await Promise.all([
      this.writeFile(visitorId, 'original', format, original),
      this.writeFile(visitorId, 'thumb', format, thumb),
    ]);
  }

  /** Removes both files of a photo; returns how many there were. */
  async removePhoto(visitorId: string, format: ImageFormat): Promise<number> {
    const removed = await Promise.all(
      (['original', 'thumb'] as const).map((kind) =>
        fs.rm(this.pathOf(visitorId, kind, format)).then(
          () => 1,
          (error: NodeJS.ErrnoException) => {
            if (error.code === 'ENOENT') return 0;
            throw error;
          },
        ),
      ),
    );
    return removed[0]! + removed[1]!;
  }

  /**
   * Leftovers of writes that a crash interrupted: nothing in tmp/ is ever referenced. With
   * `graceMs`, only files untouched for that long: another process sharing the folder (an
   * instance of a company server) may be writing the others.
   */
  async clearTemporaryFiles(graceMs = 0): Promise<number> {
    const names = await fs.readdir(this.tmpDir);
    const removed = await Promise.all(
      names.map(async (name) => {
        const file = path.join(this.tmpDir, name);
        if (graceMs > 0) {
          const stat = await fs.stat(file).catch(() => undefined);
          if (!stat || stat.mtimeMs > Date.now() - graceMs) return 0;
        }
        await fs.rm(file, { force: true, recursive: true });
        return 1;
      }),
    );
    return removed.reduce<number>((sum, one) => sum + one, 0);
  }
}

async function writeDurably(file: string, bytes: Buffer): Promise<void> {
  const handle = await fs.open(file, 'wx', OWNER_ONLY_FILE);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
