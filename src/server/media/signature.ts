import { SIGNATURE_MAX_BYTES, SIGNATURE_MAX_LABEL } from '../../shared/agreements';
import { ApiError } from '../api-error';
import { sharp } from './sharp-policy';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A signature pad is a strip of screen: a PNG larger than this is not one. */
const MAX_SIDE = 3000;
/** A pad the width of a large screen, at twice its pixels. */
const MAX_PIXELS = 3000 * 1500;
/** How much lighter than the darkest stroke the paper must be for a stroke to be there at all. */
const MIN_CONTRAST = 32;

/**
 * Checks a drawn signature (API contract Part 5): a PNG by content, at most 200 KiB, of a
 * pad's size, with at least one stroke. Blank means no contrast once it is laid on white
 * paper: a transparent pad with nothing drawn, or one flat colour. What is kept is the PNG as
 * libvips writes it again from the pixels, never the bytes as sent: the PDF library that lays
 * the signed copy out reads every chunk of a PNG, and a crafted one (a chunk length near 2^32,
 * no end chunk) made it loop or run out of memory where libvips had read it without a word.
 */
export async function checkSignature(png: Buffer): Promise<Buffer> {
  if (png.length > SIGNATURE_MAX_BYTES) {
    throw new ApiError('2400', `The signature is larger than ${SIGNATURE_MAX_LABEL}.`, {
      status: 413,
      field: 'signature',
    });
  }
  if (png.length < PNG_MAGIC.length || !png.subarray(0, PNG_MAGIC.length).equals(PNG_MAGIC)) {
    throw new ApiError('2415', 'The signature must be a PNG image.', { field: 'signature' });
  }
  let range: number;
  let clean: Buffer;
  try {
    const image = sharp(png, { limitInputPixels: MAX_PIXELS, failOn: 'error' });
    const { width = 0, height = 0 } = await image.metadata();
    if (width > MAX_SIDE || height > MAX_SIDE) {
      throw new ApiError('2400', `The signature may be at most ${MAX_SIDE} pixels on a side.`, { field: 'signature' });
    }
    // stats() would read the input, before the flatten: the paper's pixels are read as drawn on white.
    const grey = await image.flatten({ background: '#ffffff' }).greyscale().raw().toBuffer();
    let min = 255;
    let max = 0;
    for (const value of grey) {
      if (value < min) min = value;
      if (value > max) max = value;
    }
    range = max - min;
    clean = await redrawSignature(png);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError('2415', 'The signature is not a PNG image that can be read.', { field: 'signature' });
  }
  if (range < MIN_CONTRAST) {
    throw new ApiError('2400', 'The signature is blank: sign in the box before checking in.', { field: 'signature' });
  }
  return clean;
}

/** A PNG written afresh by libvips from the pixels of another: nothing of the original's chunks stays. */
export function redrawSignature(png: Buffer): Promise<Buffer> {
  return sharp(png, { limitInputPixels: MAX_PIXELS, failOn: 'error' }).png({ compressionLevel: 9 }).toBuffer();
}
