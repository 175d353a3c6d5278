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

/**
 * Samples a JPEG stores per pixel, all components together: 1.5 for colour subsampled
 * 4:2:0, 3 for 4:4:4, 4 for CMYK, 1 for grey. Read from its frame header (SOFn); a file
 * without one that can be read is taken at the most, CMYK's 4, and libvips refuses it anyway.
 */
export function jpegSamplesPerPixel(bytes: Buffer): number {
  const most = 4;
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    if (isStartOfFrame(marker)) return samplesOf(bytes, at + 4, length - 2) ?? most;
    if (marker === 0xda) return most; // a scan before any frame header
    at += 2 + length;
  }
  return most;
}

/** SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC), which share the range. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function samplesOf(bytes: Buffer, start: number, length: number): number | undefined {
  const components = bytes[start + 5];
  if (components === undefined || components < 1 || 6 + components * 3 > length || start + length > bytes.length) {
    return undefined;
  }
  const factors = Array.from({ length: components }, (_, i) => {
    const sampling = bytes[start + 6 + i * 3 + 1]!;
    return { h: sampling >> 4, v: sampling & 0x0f };
  });
  const hMax = Math.max(...factors.map((f) => f.h));
  const vMax = Math.max(...factors.map((f) => f.v));
  if (hMax < 1 || vMax < 1) return undefined;
  return factors.reduce((sum, f) => sum + (f.h * f.v) / (hMax * vMax), 0);
}

/**
 * A WebP of the simple lossy kind (its first chunk "VP8 "), which libwebp decodes in
 * strips; a lossless ("VP8L") or extended one ("VP8X": alpha, animation) is decoded whole.
 */
export function isPlainLossyWebp(bytes: Buffer): boolean {
  return bytes.length >= 16 && bytes.toString('latin1', 12, 16) === 'VP8 ';
}
