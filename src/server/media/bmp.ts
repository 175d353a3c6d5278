import { decode } from 'bmp-ts';
import { MediaError } from './media-error';

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

/**
 * The decoder holds the whole image twice in memory (RGBA, then RGB), and sharp a third
 * raw copy: about 10 bytes a pixel (measured: 8 concurrent uploads of an 8 MP 1-bit BMP
 * took the server to 292 MiB; see docs/RELIABILITY.md). An uncompressed 24-bit BMP under
 * the 5 MiB upload limit has at most 1.7 MP, and a webcam's BMP is 2 MP or less, so the
 * cap refuses no real photo; only a palette BMP, never a camera's, could be larger.
 */
const BMP_MAX_PIXELS = 2_000_000;
/** What decoding a BMP may hold at most, for the decode budget (photo-processing.ts). */
export const BMP_DECODE_BYTES = BMP_MAX_PIXELS * 10;

const BI_RGB = 0;
const BI_BITFIELDS = 3;

/**
 * libvips has no BMP loader, so BMP is decoded here to raw RGB. The header is checked
 * before decoding (size against the cap and against the file's own length, compression)
 * because the decoder allocates width × height × 4 bytes up front: a 20-byte header could
 * otherwise ask for 10 GB. Decoding an uncompressed bitmap is linear in its bytes.
 */
export function decodeBmp(bytes: Buffer, maxPixels: number): RawImage {
  const { width, height, bitsPerPixel, compression, dataOffset } = bmpHeader(bytes);
  if (width < 1 || height < 1) throw new MediaError('corrupt', 'The BMP header declares an empty image.');
  const pixels = width * height;
  if (pixels > Math.min(maxPixels, BMP_MAX_PIXELS)) throw new MediaError('too-large', 'The image has too many pixels.');
  // Run-length encoded BMPs (RLE4, RLE8) are palette graphics, never camera photos, and
  // their decoder is JavaScript on the server's one thread: a few escape codes make it
  // loop for minutes while every other request waits. Only uncompressed bitmaps are read.
  if (compression !== BI_RGB && compression !== BI_BITFIELDS) {
    throw new MediaError('unsupported', 'Compressed BMP files are not accepted; save the photo as JPEG or PNG.');
  }
  // Uncompressed rows are padded to 4 bytes: the file must hold every one of them.
  const rowBytes = Math.ceil((width * bitsPerPixel) / 32) * 4;
  if (bitsPerPixel < 1 || rowBytes * height > bytes.length - dataOffset) {
    throw new MediaError('corrupt', 'The BMP file is shorter than the image it declares.');
  }
  let decoded;
  try {
    decoded = decode(bytes, { toRGBA: true });
  } catch {
    throw new MediaError('corrupt', 'The BMP file could not be decoded.');
  }
  if (decoded.data.length !== width * height * 4) {
    throw new MediaError('corrupt', 'The BMP file could not be decoded.');
  }
  return { data: dropAlpha(decoded.data, width * height), width, height, channels: 3 };
}

/**
 * BMP alpha is unused by nearly every writer and left at zero, which would make the
 * photo invisible: keep the colour channels only.
 */
function dropAlpha(rgba: Buffer, pixelCount: number): Buffer {
  const rgb = Buffer.allocUnsafe(pixelCount * 3);
  for (let i = 0, j = 0; i < pixelCount * 4; i += 4, j += 3) {
    rgb[j] = rgba[i]!;
    rgb[j + 1] = rgba[i + 1]!;
    rgb[j + 2] = rgba[i + 2]!;
  }
  return rgb;
}

interface BmpHeader {
  width: number;
  height: number;
  bitsPerPixel: number;
  compression: number;
  dataOffset: number;
}

function bmpHeader(bytes: Buffer): BmpHeader {
  const dataOffset = bytes.readUInt32LE(10);
  const dibSize = bytes.readUInt32LE(14);
  if (dibSize === 12) {
    return {
      width: bytes.readUInt16LE(18),
      height: bytes.readUInt16LE(20),
      bitsPerPixel: bytes.readUInt16LE(24),
      compression: 0,
      dataOffset,
    };
  }
  if (bytes.length < 34) throw new MediaError('corrupt', 'The BMP header is truncated.');
  return {
    width: bytes.readInt32LE(18),
    // A negative height marks a top-down bitmap; the size is its absolute value.
    height: Math.abs(bytes.readInt32LE(22)),
    bitsPerPixel: bytes.readUInt16LE(28),
    compression: bytes.readUInt32LE(30),
    dataOffset,
  };
}
