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
