import pLimit from 'p-limit';
import { rgbaToThumbHash } from 'thumbhash';
import { IMAGE_FORMATS_LABEL, type ImageFormat } from '../../shared/api-types';
import { decodeBmp } from './bmp';
import { sniffImageFormat } from '../../shared/image-format';
import { JPEG_MAX_SCANS, jpegScanCount } from './image-format';
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
 * Decoding is where a check-in's memory goes (a 12 MP JPEG is ~36 MB of pixels while it
 * shrinks). Two at a time keep both cores busy on a kiosk; more only add memory. How many
 * photos may wait, and be held in memory meanwhile, is decided before they are read (see
 * photo-memory.ts).
 */
const DECODES_AT_ONCE = 2;
const decoding = pLimit(DECODES_AT_ONCE);

/**
 * Validates an upload by decoding it fully, and makes its thumbnail in that one decode
 * (its ThumbHash comes from the thumbnail: `thumbHashOf`). `whileDecoding`
 * hears the format as soon as the bytes are known to be worth decoding, so the original
 * can be written meanwhile. Throws a MediaError for anything that is not a whole JPEG,
 * PNG, WebP or BMP.
 */
export function processPhoto(bytes: Buffer, whileDecoding?: (format: ImageFormat) => void): Promise<ProcessedPhoto> {
  return decoding(() => decodePhoto(bytes, whileDecoding));
}

async function decodePhoto(bytes: Buffer, whileDecoding?: (format: ImageFormat) => void): Promise<ProcessedPhoto> {
  const format = sniffImageFormat(bytes);
  if (!format) throw new MediaError('unsupported', `The image must be a ${IMAGE_FORMATS_LABEL} file.`);
  if (format === 'jpeg' && jpegScanCount(bytes) > JPEG_MAX_SCANS) {
    throw new MediaError('corrupt', 'The JPEG file has far more scans than any camera writes.');
  }
  whileDecoding?.(format);

  const input =
    format === 'bmp' ? bmpInput(bytes) : sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });

  let width: number;
  let height: number;
  let thumb: Buffer;
  try {
    const meta = await input.metadata();
    if (format !== 'bmp' && meta.format !== format)
      throw new MediaError('corrupt', 'The image is not what its bytes claim.');
    width = meta.autoOrient.width;
    height = meta.autoOrient.height;
    checkDecodeCost({
      width,
      height,
      channels: meta.channels ?? 3,
      depth: meta.depth,
      progressive: !!meta.isProgressive,
    });
    // One decode of the upload (shrunk on load where the format allows) straight to the thumbnail.
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
  return { format, width, height, thumb };
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
/**
 * A progressive JPEG or an interlaced PNG must be held whole while it decodes (sequential
 * images stream through in strips): their decoded size is capped. 150 MB admits a 50 MP
 * 3-channel progressive photo and refuses a 50 MP CMYK or 16-bit one (380–760 MB measured).
 */
const PROGRESSIVE_DECODED_MAX_BYTES = 150_000_000;

function checkDecodeCost(image: {
  width: number;
  height: number;
  channels: number;
  depth: string | undefined;
  progressive: boolean;
}): void {
  const { width, height } = image;
  if (Math.max(width, height) > MAX_ASPECT * Math.min(width, height)) {
    throw new MediaError('unsupported', `A ${width}×${height} image is not a photo of a visitor.`);
  }
  const bytesPerSample = image.depth === 'ushort' ? 2 : image.depth === 'uint' || image.depth === 'float' ? 4 : 1;
  if (image.progressive && width * height * image.channels * bytesPerSample > PROGRESSIVE_DECODED_MAX_BYTES) {
    throw new MediaError('too-large', 'The image is too large to decode: save it as a baseline JPEG or smaller.');
  }
}

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
