import { rgbaToThumbHash } from 'thumbhash';
import { IMAGE_FORMATS_LABEL, type ImageFormat } from '../../shared/api-types';
import { BMP_DECODE_BYTES, decodeBmp } from './bmp';
import { decodeBudget } from './decode-budget';
import { sniffImageFormat } from '../../shared/image-format';
import { isPlainLossyWebp, JPEG_MAX_SCANS, jpegSamplesPerPixel, jpegScanCount } from './image-format';
import { MediaError } from './media-error';
import type { Sharp } from 'sharp';
import { MAX_INPUT_PIXELS, sharp } from './sharp-policy';

/**
 * 320 px on the short side: a grid cell of about 160 CSS px on a 2× screen, the size
 * photo libraries such as Immich preview at. Quality 80 with mozjpeg keeps a face
 * sharp at about 15–25 KB.
 */
export const THUMB_SHORT_SIDE = 320;
const THUMB_QUALITY = 80;
/**
 * ThumbHash encodes at most 100×100 pixels and keeps only the lowest frequencies of them:
 * from 64 px a hash differs from 100 px's by a step in one or two of its coefficients at
 * most (about half of the seeded portraits, an invisible change to the blurred
 * placeholder), for a fifth of the encoder's time (0.24 against 1.3 ms).
 */
const THUMBHASH_SIDE = 64;

export interface ProcessedPhoto {
  format: ImageFormat;
  /** Size as displayed, with EXIF orientation applied. */
  width: number;
  height: number;
  thumb: Buffer;
}

/**
 * Decoding is where a check-in's memory goes, and what a decode holds depends on the image
 * (decodeCost): two run at once while what they hold together fits 64 MB, so no upload,
 * however crafted, makes a kiosk hold more than that in decodes at once (glibc may keep
 * what a decode freed for its thread's next one: docs/RELIABILITY.md), and both cores are
 * busy with a camera's photos, which cost a few MB each. How many photos may wait, and be
 * held in memory meanwhile, is decided before they are read (see photo-memory.ts).
 */
const DECODES_AT_ONCE = 2;
const DECODE_BUDGET_BYTES = 64_000_000;
const decoding = decodeBudget(DECODE_BUDGET_BYTES, DECODES_AT_ONCE);

/**
 * Validates an upload by decoding it fully, and makes its thumbnail in that one decode
 * (its ThumbHash comes from the thumbnail: `thumbHashOf`). `whileDecoding` hears the
 * format once the decode begins, the image known to be worth decoding, so the original
 * can be written meanwhile. Throws a MediaError for anything that is not a whole JPEG,
 * PNG, WebP or BMP, or that would cost more to decode than a kiosk can spare.
 */
export async function processPhoto(
  bytes: Buffer,
  whileDecoding?: (format: ImageFormat) => void,
): Promise<ProcessedPhoto> {
  const format = sniffImageFormat(bytes);
  if (!format) throw new MediaError('unsupported', `The image must be a ${IMAGE_FORMATS_LABEL} file.`);
  if (format === 'bmp') {
    // Decoded in JavaScript before libvips sees it: its cost is the cap's (bmp.ts).
    return decoding.run(BMP_DECODE_BYTES, async () => {
      const input = bmpInput(bytes);
      return thumbnail(input, format, await sizeOf(input, format), whileDecoding);
    });
  }
  const input = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
  // The header is read in sharp's thread while the scans are counted here: no pixel is
  // decoded before both are judged.
  const sizing = sizeOf(input, format);
  sizing.catch(() => undefined); // awaited below, unless the count refuses the file first
  if (format === 'jpeg' && jpegScanCount(bytes) > JPEG_MAX_SCANS) {
    throw new MediaError('corrupt', 'The JPEG file has far more scans than any camera writes.');
  }
  const size = await sizing;
  return decoding.run(decodeCost(format, size, bytes), () => thumbnail(input, format, size, whileDecoding));
}

interface ImageSize {
  /** As displayed, with EXIF orientation applied. */
  width: number;
  height: number;
  /** Bytes of one decoded pixel, and of one row as stored (before orientation). */
  pixelBytes: number;
  rowBytes: number;
  /** A progressive JPEG or an interlaced PNG: held whole while it decodes. */
  heldWhole: boolean;
}

/** The image's header read (no pixel decoded), and refused if it is not the shape of a photo. */
async function sizeOf(input: Sharp, format: ImageFormat): Promise<ImageSize> {
  let meta;
  try {
    meta = await input.metadata();
  } catch (error) {
    throw toMediaError(error);
  }
  if (format !== 'bmp' && meta.format !== format)
    throw new MediaError('corrupt', 'The image is not what its bytes claim.');
  const { width, height } = meta.autoOrient;
  if (Math.max(width, height) > MAX_ASPECT * Math.min(width, height)) {
    throw new MediaError('unsupported', `A ${width}×${height} image is not a photo of a visitor.`);
  }
  const depth = meta.depth;
  const bytesPerSample = depth === 'ushort' ? 2 : depth === 'uint' || depth === 'float' ? 4 : 1;
  const pixelBytes = (meta.channels ?? 3) * bytesPerSample;
  return {
    width,
    height,
    pixelBytes,
    rowBytes: meta.width * pixelBytes,
    heldWhole: !!meta.isProgressive,
  };
}

/**
 * What a decode holds at its peak, from the process's VmHWM around one decode at a time
 * (images of 3,500 to 7,000 px, and a review's attacks, 2026-12-07):
 * - a progressive JPEG (or any with several scans) holds libjpeg's coefficients of the whole
 *   image, two bytes a sample of each component: 4:2:0 at 49 MP 145 MiB; 4:4:4 and CMYK
 *   at 16 MP about 100 MB;
 * - an interlaced PNG the whole decoded image and a third more (4,000² RGB: 63 MB);
 * - any other PNG about 1,800 of its rows, whatever its height (7,000 px wide: 38 MiB in
 *   RGB, 72 in 16-bit RGB);
 * - a WebP other than plain lossy (lossless, or with alpha) the whole image at four bytes a
 *   pixel (lossless 7,000²: 197 MB);
 * - a baseline JPEG, shrunk on load, or a plain lossy WebP 3 to 7 MiB.
 */
const PNG_ROWS_HELD = 1_850;
const STREAMED_DECODE_BYTES = 8_000_000;
/**
 * At most this for one decode: a progressive JPEG of 16 MP (4:2:0; 8 MP in 4:4:4), an
 * interlaced PNG of 12 MP, a PNG 8,600 px wide, a lossless WebP of 12 MP. A camera's JPEG
 * (baseline: a phone's, a webcam's, a browser's) costs a few MB at 50 MP.
 */
const DECODE_MAX_BYTES = 48_000_000;

function decodeCost(format: ImageFormat, size: ImageSize, bytes: Buffer): number {
  const pixels = size.width * size.height;
  let cost = STREAMED_DECODE_BYTES;
  if (size.heldWhole && format === 'jpeg') cost = pixels * jpegSamplesPerPixel(bytes) * 2;
  else if (size.heldWhole) cost = (pixels * size.pixelBytes * 4) / 3;
  else if (format === 'png') cost = size.rowBytes * PNG_ROWS_HELD;
  else if (format === 'webp' && !isPlainLossyWebp(bytes)) cost = pixels * 4;
  if (cost > DECODE_MAX_BYTES) {
    throw new MediaError(
      'too-large',
      size.heldWhole
        ? 'The image is too large to decode: save it as a baseline JPEG or smaller.'
        : 'The image is too large to decode: save it smaller.',
    );
  }
  return cost;
}

/** One decode of the upload (shrunk on load where the format allows) straight to the thumbnail. */
async function thumbnail(
  input: Sharp,
  format: ImageFormat,
  size: ImageSize,
  whileDecoding?: (format: ImageFormat) => void,
): Promise<ProcessedPhoto> {
  whileDecoding?.(format);
  let thumb: Buffer;
  try {
    thumb = await input
      .autoOrient()
      .resize(THUMB_SHORT_SIDE, THUMB_SHORT_SIDE, { fit: 'outside', withoutEnlargement: true })
      .toColourspace('srgb')
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: THUMB_QUALITY, mozjpeg: true })
      .toBuffer();
  } catch (error) {
    throw toMediaError(error);
  }
  return { format, width: size.width, height: size.height, thumb };
}

/**
 * The placeholder a grid shows until the thumbnail arrives, made from the thumbnail (320 px
 * decode in about 2 ms), not from the upload: so a check-in makes it while its files are
 * flushed, not before.
 */
export async function thumbHashOf(thumb: Buffer): Promise<Buffer> {
  const small = await sharp(thumb)
    .resize(THUMBHASH_SIDE, THUMBHASH_SIDE, { fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(small.info.width, small.info.height, small.data));
}

/** No photo of a person is longer than this many times its width, or the reverse. */
const MAX_ASPECT = 4;

function toMediaError(error: unknown): MediaError {
  if (error instanceof MediaError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) return new MediaError('too-large', 'The image has too many pixels.');
  return new MediaError('corrupt', 'The image could not be decoded; it may be truncated or damaged.');
}

function bmpInput(bytes: Buffer): Sharp {
  const image = decodeBmp(bytes, MAX_INPUT_PIXELS);
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
}
