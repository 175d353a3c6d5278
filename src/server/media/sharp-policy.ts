import sharp from 'sharp';

/**
 * Only the decoders of accepted formats may run on untrusted bytes: SVG, PDF, HEIF,
 * TIFF and the rest are each a parser an attacker could aim at, and a client may not
 * use them. BMP is decoded in JavaScript and reaches libvips as raw pixels.
 */
sharp.block({ operation: ['VipsForeignLoad'] });
sharp.unblock({
  operation: ['VipsForeignLoadJpegBuffer', 'VipsForeignLoadPngBuffer', 'VipsForeignLoadWebpBuffer'],
});

// A kiosk has few cores and much else to do; libvips' cache holds decoded images we never reuse.
sharp.cache(false);

/**
 * One libvips thread for each image, as sharp already chooses where glibc is the allocator
 * (Linux): what a decode holds (photo-processing.ts) was measured so. On Windows and macOS
 * sharp would use every core for one image and hold more of it at once (an 8,600 × 5,800
 * PNG with four threads: 75 MB against 48); a check-in's JPEG decodes in one thread anyway.
 */
sharp.concurrency(1);

/**
 * 50 megapixels: above any camera a reception desk meets (a phone's default photo is
 * 12 MP), and a progressive JPEG of that size, which must be held whole while it decodes,
 * costs about 290 MB rather than the 575 MB measured at 100 MP.
 */
export const MAX_INPUT_PIXELS = 50_000_000;

export { sharp };
