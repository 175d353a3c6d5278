import { encode as encodeBmp } from 'bmp-ts';
import sharp from 'sharp';

/**
 * Photo-like test images: a gradient with noise compresses like a real photo (a flat
 * colour would make every size and timing meaningless).
 */
export async function photoPixels(width: number, height: number, seed = 1): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  let state = seed >>> 0 || 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      state = (state * 1664525 + 1013904223) >>> 0;
      const noise = (state >>> 24) & 31;
      const i = (y * width + x) * 3;
      data[i] = ((x * 255) / width + noise) & 255;
      data[i + 1] = ((y * 255) / height + noise) & 255;
      data[i + 2] = (((x + y) * 128) / (width + height) + 64 + noise) & 255;
    }
  }
  return data;
}

export type TestFormat = 'jpeg' | 'png' | 'webp' | 'bmp';

export async function makeImage(format: TestFormat, width = 640, height = 480, seed = 1): Promise<Buffer> {
  const pixels = await photoPixels(width, height, seed);
  const raw = { raw: { width, height, channels: 3 as const } };
  switch (format) {
    case 'jpeg':
      return sharp(pixels, raw).jpeg({ quality: 85 }).toBuffer();
    case 'png':
      return sharp(pixels, raw).png().toBuffer();
    case 'webp':
      return sharp(pixels, raw).webp({ quality: 80 }).toBuffer();
    case 'bmp':
      return encodeBmpRgb(pixels, width, height);
  }
}

/** A plain 24-bit BMP (BITMAPINFOHEADER), what Windows Paint writes. */
export function encodeBmpRgb(pixels: Buffer, width: number, height: number): Buffer {
  // bmp-ts takes ABGR quads.
  const abgr = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    abgr[i * 4] = 255;
    abgr[i * 4 + 1] = pixels[i * 3 + 2]!;
    abgr[i * 4 + 2] = pixels[i * 3 + 1]!;
    abgr[i * 4 + 3] = pixels[i * 3]!;
  }
  return encodeBmp({ data: abgr, width, height, bitPP: 24 }).data;
}

/** A JPEG whose EXIF says "rotate 90° clockwise to display": stored landscape, shown portrait. */
export async function makeRotatedJpeg(width: number, height: number): Promise<Buffer> {
  const pixels = await photoPixels(width, height);
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toBuffer();
}
