import sharp from 'sharp';

/**
 * A signature as a desk's pad draws it: a transparent PNG with dark strokes (a wave and a
 * line under it), or with none (`blank`). Strokes vary with `seed`, so two signatures differ.
 */
export async function makeSignature(options: { blank?: boolean; seed?: number; width?: number } = {}): Promise<Buffer> {
  const width = options.width ?? 600;
  const height = 200;
  const pixels = Buffer.alloc(width * height * 4);
  if (!options.blank) {
    const seed = options.seed ?? 1;
    const dot = (x: number, y: number): void => {
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          const px = Math.round(x) + dx;
          const py = Math.round(y) + dy;
          if (px < 0 || py < 0 || px >= width || py >= height) continue;
          const i = (py * width + px) * 4;
          pixels[i] = 20;
          pixels[i + 1] = 30;
          pixels[i + 2] = 60;
          pixels[i + 3] = 255;
        }
      }
    };
    for (let x = 40; x < width - 40; x++) dot(x, 100 + 40 * Math.sin((x / (30 + seed * 3)) * Math.PI));
    for (let x = 60; x < width - 60; x++) dot(x, 170);
  }
  return sharp(pixels, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}
