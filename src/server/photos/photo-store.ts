import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ImageFormat } from '../../shared/api-types';
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

  async init(): Promise<void> {
    await fs.mkdir(this.tmpDir, { recursive: true });
  }

  pathOf(visitorId: string, kind: PhotoKind, format: ImageFormat): string {
    // The guard that stops path traversal: only a well-formed ID ever becomes a path.
    if (!isVisitorId(visitorId)) throw new Error('refusing a path for a malformed visitor ID');
    const file = kind === 'thumb' ? `${visitorId}.jpg` : `${visitorId}.${EXTENSION[format]}`;
    const dir = kind === 'thumb' ? 'thumbs' : 'originals';
    return path.join(this.root, dir, visitorId.slice(0, 2), visitorId.slice(2, 4), file);
  }

  /** Writes both files of a check-in; on any failure removes whatever it wrote. */
  async writePhoto(visitorId: string, format: ImageFormat, original: Buffer, thumb: Buffer): Promise<void> {
    try {
      await this.writeAtomically(this.pathOf(visitorId, 'original', format), original);
      await this.writeAtomically(this.pathOf(visitorId, 'thumb', format), thumb);
    } catch (error) {
      await this.removePhoto(visitorId, format);
      throw error;
    }
  }

  async removePhoto(visitorId: string, format: ImageFormat): Promise<void> {
    await Promise.all(
      (['original', 'thumb'] as const).map((kind) => fs.rm(this.pathOf(visitorId, kind, format), { force: true })),
    );
  }

  /** Leftovers of writes that a crash interrupted: nothing in tmp/ is ever referenced. */
  async clearTemporaryFiles(): Promise<number> {
    const names = await fs.readdir(this.tmpDir);
    await Promise.all(names.map((name) => fs.rm(path.join(this.tmpDir, name), { force: true, recursive: true })));
    return names.length;
  }

  private async writeAtomically(target: string, bytes: Buffer): Promise<void> {
    const tmp = path.join(this.tmpDir, `${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    const dir = path.dirname(target);
    await fs.mkdir(dir, { recursive: true });
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(tmp, target);
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw error;
    }
    await syncDirectory(dir);
  }
}

/** A rename is durable only once its directory entry is flushed too. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
