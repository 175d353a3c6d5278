import type { ImageFormat } from '../../shared/api-types';

/**
 * Decides an upload's format from its first bytes: never from the file name or the
 * Content-Type a client declares, which cost an attacker nothing to fake.
 */
export function sniffImageFormat(bytes: Buffer): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') {
    return 'webp';
  }
  if (
    bytes.length >= 26 &&
    bytes.toString('latin1', 0, 2) === 'BM' &&
    BMP_DIB_HEADER_SIZES.has(bytes.readUInt32LE(14))
  ) {
    return 'bmp';
  }
  return null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** BITMAPCOREHEADER, INFOHEADER, V2, V3, V4, V5: the DIB headers Windows has ever written. */
const BMP_DIB_HEADER_SIZES = new Set([12, 40, 52, 56, 108, 124]);

/**
 * A progressive JPEG refines the picture in scans; an encoder writes about ten. Each scan
 * is a pass over the whole image, and libjpeg sets no limit: 35,000 tiny scans in 5 MB
 * kept a decoder busy for five minutes. Start-of-scan markers are counted before decoding
 * (0xFF 0xDA cannot occur inside entropy-coded data, where 0xFF is stuffed as 0xFF 0x00).
 */
export const JPEG_MAX_SCANS = 100;

export function jpegScanCount(bytes: Buffer, stopAfter = JPEG_MAX_SCANS + 1): number {
  let count = 0;
  for (let at = bytes.indexOf(0xff); at !== -1 && count < stopAfter; at = bytes.indexOf(0xff, at + 1)) {
    if (bytes[at + 1] === 0xda) count++;
  }
  return count;
}
