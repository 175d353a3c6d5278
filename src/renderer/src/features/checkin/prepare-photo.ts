import { IMAGE_FORMATS_LABEL } from '../../../../shared/api-types';
import { sniffImageFormat } from '../../../../shared/image-format';
import { IMAGE_MAX_BYTES } from '../../../../shared/visitor-fields';

/** A phone's photo is kept at this size at most: plenty for a face, a fraction of the upload limit. */
export const PHOTO_MAX_PIXELS = 12_000_000;

export class PhotoFileProblem extends Error {}

/**
 * Makes a chosen file into a photo the server takes, before anything is sent: a file that
 * is no picture is refused here, in words; a JPEG, PNG or WebP within the limits is sent as
 * it is (the server turns it upright by its EXIF orientation); anything larger than the
 * upload limit or than PHOTO_MAX_PIXELS, and any other format the browser can read (a BMP,
 * a GIF, an AVIF), is redrawn upright, at most PHOTO_MAX_PIXELS, as a JPEG under the limit.
 */
export async function preparePhoto(file: Blob): Promise<Blob> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new PhotoFileProblem(`This file is not a picture Frontdesk can read: choose a ${IMAGE_FORMATS_LABEL} photo.`);
  }
  try {
    const format = sniffImageFormat(new Uint8Array(await file.slice(0, 32).arrayBuffer()));
    const pixels = bitmap.width * bitmap.height;
    if (format && format !== 'bmp' && file.size <= IMAGE_MAX_BYTES && pixels <= PHOTO_MAX_PIXELS) return file;
    let scale = Math.min(1, Math.sqrt(PHOTO_MAX_PIXELS / pixels));
    // Each try a little smaller: a photo of fine noise can stay large at any quality.
    for (let attempt = 0; attempt < 6; attempt++, scale *= 0.8) {
      const encoded = await drawAsJpeg(bitmap, scale);
      if (encoded.size <= IMAGE_MAX_BYTES) return encoded;
    }
    throw new PhotoFileProblem('This picture could not be made small enough to send: choose another.');
  } finally {
    bitmap.close();
  }
}

async function drawAsJpeg(bitmap: ImageBitmap, scale: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(
    Math.max(1, Math.round(bitmap.width * scale)),
    Math.max(1, Math.round(bitmap.height * scale)),
  );
  const context = canvas.getContext('2d')!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.88 });
}
