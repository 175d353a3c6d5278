import { encodePhoto } from '../../src/cli/seed/encode-photo';
import { portraitPixels } from '../../src/cli/seed/portrait';

export type TestFormat = 'jpeg' | 'png' | 'webp' | 'bmp';

/** A photo-like portrait: it compresses like a camera picture, so sizes and timings mean something. */
export function makeImage(format: TestFormat, width = 640, height = 480, seed = 1): Promise<Buffer> {
  return encodePhoto(format, portraitPixels(width, height, seed), width, height);
}

/** A JPEG whose EXIF says "rotate 90° clockwise to display": stored landscape, shown portrait. */
export function makeRotatedJpeg(width: number, height: number): Promise<Buffer> {
  return encodePhoto('jpeg', portraitPixels(width, height, 1), width, height, 6);
}
