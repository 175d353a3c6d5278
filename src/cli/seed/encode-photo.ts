import { encode as encodeBmp } from 'bmp-ts';
import sharp from 'sharp';
import type { ImageFormat } from '../../shared/api-types';

/**
 * Encodes raw RGB pixels as a camera or a scanner would hand them over. `orientation`
 * is an EXIF orientation (6: "rotate 90° clockwise to display"), as phones write it.
 */
export async function encodePhoto(
  format: ImageFormat,
  pixels: Buffer,
  width: number,
  height: number,
  orientation?: number,
): Promise<Buffer> {
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  switch (format) {
    case 'jpeg':
      return (orientation ? image.withMetadata({ orientation }) : image).jpeg({ quality: 85 }).toBuffer();
    case 'png':
      return image.png({ compressionLevel: 6 }).toBuffer();
    case 'webp':
      return image.webp({ quality: 80 }).toBuffer();
    case 'bmp':
      return encodeBmpRgb(pixels, width, height);
  }
}

/** A plain 24-bit BMP with a BITMAPINFOHEADER, what Windows Paint writes. */
function encodeBmpRgb(pixels: Buffer, width: number, height: number): Buffer {
  // bmp-ts takes one A, B, G, R quad per pixel.
  const abgr = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    abgr[i * 4] = 255;
    abgr[i * 4 + 1] = pixels[i * 3 + 2]!;
    abgr[i * 4 + 2] = pixels[i * 3 + 1]!;
    abgr[i * 4 + 3] = pixels[i * 3]!;
  }
  return encodeBmp({ data: abgr, width, height, bitPP: 24 }).data;
}
