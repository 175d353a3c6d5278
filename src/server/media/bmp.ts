import { decode } from 'bmp-ts';
import { MediaError } from './media-error';

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

/**
 * libvips has no BMP loader, so BMP is decoded here to raw RGB. The pixel count is
 * read from the header and checked before decoding, because the decoder allocates
 * width × height × 4 bytes up front: a 20-byte header could otherwise ask for 10 GB.
 */
export function decodeBmp(bytes: Buffer, maxPixels: number): RawImage {
  const { width, height } = bmpHeaderSize(bytes);
  if (width < 1 || height < 1) throw new MediaError('corrupt', 'The BMP header declares an empty image.');
  if (width * height > maxPixels) throw new MediaError('too-large', 'The image has too many pixels.');
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

function bmpHeaderSize(bytes: Buffer): { width: number; height: number } {
  const dibSize = bytes.readUInt32LE(14);
  if (dibSize === 12) return { width: bytes.readUInt16LE(18), height: bytes.readUInt16LE(20) };
  // A negative height marks a top-down bitmap; the size is its absolute value.
  return { width: bytes.readInt32LE(18), height: Math.abs(bytes.readInt32LE(22)) };
}
