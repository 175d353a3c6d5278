import fs from 'node:fs';
import { promisify } from 'node:util';
import { ApiError } from '../api-error';
import { ReadMemory } from '../bounded-memory';
import type { VisitorsRepository } from '../db/repositories/visitors';
import { isVisitorId } from '../ids';
import { IMAGE_CONTENT_TYPES, type ImageFormat } from '../../shared/api-types';
import type { PhotoKind, PhotoStore } from '../photos/photo-store';
import type { AuditTrail } from './audit';

/**
 * Strong validators without hashing: the bytes under a visitor ID never change, so the
 * ID is their version. The thumbnail's also names the recipe that made it, so that a
 * future, better thumbnail is not mistaken for a cached old one.
 */
const THUMB_RECIPE = 1;

// The callback API, promisified: it costs a third of what fs/promises' FileHandle does
// per file (measured with --cpu-prof under autocannon).
const open = promisify(fs.open);

/**
 * The largest chunk a full photo is read in. Each read is sized to what is left of the file,
 * so the Buffers made add up to the photo whatever this is; it bounds what one download
 * holds ahead of a slow client (a chunk read, another waiting in the socket).
 */
const STREAM_CHUNK_MAX = 256 * 1024;

export interface PhotoFile {
  contentType: string;
  etag: string;
  path: string;
}

/**
 * Finds a visitor's photo. Photos stay after the visitor leaves (the log shows
 * history); 4515 means the visitor exists but the image does not (never taken, or
 * removed). The disk is not touched until the bytes are needed: an ETag match needs none.
 */
export function photoService(deps: {
  visitors: VisitorsRepository;
  store: PhotoStore;
  audit: AuditTrail;
  /** SQLite's data_version (db/connection.ts): moves when another process commits. */
  dataVersion: () => number;
}) {
  /**
   * The formats of photos looked up lately: a grid asks for the same faces again and again,
   * and a lookup is a read transaction (15 µs a thumbnail under load, `npm run bench`).
   * Only photos that exist are kept, and a photo only ever goes away (an erasure or
   * retention, whose every removal calls `forget`), so an entry is right until then; a
   * commit by another process empties the whole memory.
   */
  const formats = new ReadMemory<string, ImageFormat>(deps.dataVersion, 4096);

  function formatOf(visitorId: string): ImageFormat | null | undefined {
    const known = formats.get(visitorId);
    if (known) return known;
    const photo = deps.visitors.photoOf(visitorId);
    if (photo?.format) formats.set(visitorId, photo.format);
    return photo ? photo.format : undefined;
  }

  return {
    find(visitorId: string, kind: PhotoKind): PhotoFile {
      // Checked before any query or path: "../" and friends never reach the disk.
      const format = isVisitorId(visitorId) ? formatOf(visitorId) : undefined;
      if (format === undefined) throw new ApiError('3404', 'There is no visitor with that ID.');
      if (format === null) throw new ApiError('4515');
      const path = deps.store.pathOf(visitorId, kind, format);
      return kind === 'thumb'
        ? { contentType: 'image/jpeg', etag: `"${visitorId}.t${THUMB_RECIPE}"`, path }
        : { contentType: IMAGE_CONTENT_TYPES[format], etag: `"${visitorId}"`, path };
    },

    /**
     * Who saw whose face (API contract Part 2, Privacy): every full photo served, from the
     * disk or confirmed from the client's cache. Thumbnails are not views. Recorded soon,
     * with others (audit.ts): views come many a second.
     */
    viewed(visitorId: string, viewer: number | { headOffice: string }, options: { fromCache: boolean }): void {
      const cached = options.fromCache ? 'from the client’s cache' : undefined;
      // A company admin is no account of the site's (API contract Part 6): the entry names them.
      const byHeadOffice = typeof viewer === 'object' ? `head office (${viewer.headOffice})` : undefined;
      const detail = [byHeadOffice, cached].filter(Boolean).join(', ');
      deps.audit.recordSoon({
        action: 'photo.view',
        userId: typeof viewer === 'number' ? viewer : null,
        visitorId,
        ...(detail ? { detail } : {}),
      });
    },

    /** The visitor's photo is being removed (erasure, retention): never answered from memory again. */
    forget(visitorId: string): void {
      formats.delete(visitorId);
    },

    /**
     * The whole file, read on the spot (thumbnails only: a few KiB, nearly always in the
     * page cache). An asynchronous read is four round trips through libuv's four-thread
     * pool (open, fstat, read, close); on a two-core kiosk those hand-offs halved the
     * grid's throughput (7,700 against 14,400 thumbnails/s, `npm run bench -- --only
     * serving`), and during a check-in they wait behind sharp and the fsyncs in that same
     * pool. A read from the page cache takes microseconds.
     */
    read(file: PhotoFile): Buffer {
      try {
        return readThumbnail(file.path);
      } catch (error) {
        return missingIs4515(error as NodeJS.ErrnoException);
      }
    },

    /**
     * A stream of the file and its size (full photos: up to 5 MiB, never buffered whole).
     * Read in chunks of the file's own size, up to STREAM_CHUNK_MAX, and only up to its known
     * end: left to itself the stream reads 64 KiB chunks, copies the last one to fit, and
     * allocates one more to find the end, 218 KiB of Buffers for a 90 KB photo. Those die
     * only when V8 collects, so under a stream of full photos they set the server's peak RSS.
     */
    async stream(file: PhotoFile): Promise<{ stream: fs.ReadStream; size: number }> {
      const fd = await open(file.path, 'r').catch(missingIs4515);
      const size = fs.fstatSync(fd).size;
      const chunk = Math.min(Math.max(size, 1), STREAM_CHUNK_MAX);
      return {
        stream: fs.createReadStream('', { fd, start: 0, end: Math.max(size - 1, 0), highWaterMark: chunk }),
        size,
      };
    },
  };
}

/** Larger than any thumbnail: one is read whole in one call (15–25 KB as made, photo-processing.ts). */
const THUMB_READ_BYTES = 128 * 1024;
const thumbReadBuffer = Buffer.allocUnsafeSlow(THUMB_READ_BYTES);
const JPEG_END = 0xffd9;

/**
 * A thumbnail's bytes in three calls (open, read, close) instead of readFileSync's four: its
 * fstat, only there to learn the size, was 1.7 % of a signed thumbnail's CPU under wrk. A
 * read that stops short of the buffer has reached the end of the file; what it read is
 * trusted only if it ends as every JPEG the server wrote does, and anything else (a larger
 * file, an interrupted read) is read again the ordinary way.
 */
function readThumbnail(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const read = fs.readSync(fd, thumbReadBuffer, 0, THUMB_READ_BYTES, 0);
    if (read >= 2 && read < THUMB_READ_BYTES && thumbReadBuffer.readUInt16BE(read - 2) === JPEG_END) {
      return Buffer.from(thumbReadBuffer.subarray(0, read));
    }
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function missingIs4515(error: NodeJS.ErrnoException): never {
  throw error.code === 'ENOENT' ? new ApiError('4515') : error;
}

export type PhotoService = ReturnType<typeof photoService>;
