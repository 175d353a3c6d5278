import type { ImageFormat } from './api-types';

/**
 * Decides an image's format from its first bytes: never from the file name or the
 * Content-Type a client declares, which cost an attacker nothing to fake. The server
 * judges uploads by it, and the desk a chosen file, before sending it.
 */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  const text = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && PNG_SIGNATURE.every((byte, i) => bytes[i] === byte)) return 'png';
  if (bytes.length >= 12 && text(0, 4) === 'RIFF' && text(8, 12) === 'WEBP') return 'webp';
  if (bytes.length >= 26 && text(0, 2) === 'BM') {
    const dibHeaderSize = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(14, true);
    if (BMP_DIB_HEADER_SIZES.has(dibHeaderSize)) return 'bmp';
  }
  return null;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** BITMAPCOREHEADER, INFOHEADER, V2, V3, V4, V5: the DIB headers Windows has ever written. */
const BMP_DIB_HEADER_SIZES = new Set([12, 40, 52, 56, 108, 124]);
