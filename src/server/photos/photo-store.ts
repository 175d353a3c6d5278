import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ImageFormat } from '../../shared/api-types';
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
    return path.join(this.root, dir, visitorId.slice(0, 2), visitorId.slice(2, 4), file);
  }

  /**
   * Writes both files of a check-in to tmp/ and flushes them. Nothing is visible until
   * `place`; a crash before it leaves only tmp/ files, which start-up removes. The
   * original may already be on its way (`stageOriginal`, started while it decodes).
   */
  async stage(
    visitorId: string,
    format: ImageFormat,
    original: Buffer | Promise<StagedFile>,
    thumb: Buffer,
  ): Promise<StagedPhoto> {
    const files = await Promise.allSettled([
      Buffer.isBuffer(original) ? this.stageOriginal(visitorId, format, original) : original,
      this.stageFile(this.pathOf(visitorId, 'thumb', format), thumb),
    ]);
    const failed = files.find((file) => file.status === 'rejected');
    if (failed) {
      const written = files.filter((file) => file.status === 'fulfilled').map((file) => file.value);
      await this.unstage({ moves: written });
      throw failed.reason;
    }
    return { visitorId, format, moves: files.map((file) => (file as PromiseFulfilledResult<StagedFile>).value) };
  }

  /** The original alone to tmp/, flushed: begun while the upload decodes. Removes its tmp file on failure. */
  stageOriginal(visitorId: string, format: ImageFormat, bytes: Buffer): Promise<StagedFile> {
    return this.stageFile(this.pathOf(visitorId, 'original', format), bytes);
  }

  private async stageFile(target: string, bytes: Buffer): Promise<StagedFile> {
    const tmp = path.join(this.tmpDir, `${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeDurably(tmp, bytes);
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw error;
    }
    return { tmp, target };
  }

  async unstage(staged: Pick<StagedPhoto, 'moves'>): Promise<void> {
    await Promise.all(staged.moves.map(({ tmp }) => fs.rm(tmp, { force: true })));
  }

  /** Renames staged files into place and flushes their folders. Removes them all on failure. */
  async place(staged: StagedPhoto): Promise<void> {
    try {
      await Promise.all(
        staged.moves.map(async ({ tmp, target }) => {
          await fs.mkdir(path.dirname(target), { recursive: true, mode: OWNER_ONLY_DIR });
          await fs.rename(tmp, target);
          await syncDirectory(path.dirname(target));
        }),
      );
    } catch (error) {
      await this.unstage(staged);
      await this.removePhoto(staged.visitorId, staged.format);
      throw error;
    }
  }

  /** stage then place: both files of a check-in, whole or not at all. */
  async writePhoto(visitorId: string, format: ImageFormat, original: Buffer, thumb: Buffer): Promise<void> {
    await this.place(await this.stage(visitorId, format, original, thumb));
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

  /** Leftovers of writes that a crash interrupted: nothing in tmp/ is ever referenced. */
  async clearTemporaryFiles(): Promise<number> {
    const names = await fs.readdir(this.tmpDir);
    await Promise.all(names.map((name) => fs.rm(path.join(this.tmpDir, name), { force: true, recursive: true })));
    return names.length;
  }
}

export interface StagedFile {
  tmp: string;
  target: string;
}

export interface StagedPhoto {
  visitorId: string;
  format: ImageFormat;
  moves: StagedFile[];
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

/** A rename is durable only once its directory entry is flushed too. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
