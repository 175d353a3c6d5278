/**
 * Draws a photo-like portrait in raw RGB: a lit backdrop, shoulders, a head with hair,
 * and sensor noise. Noise and gradients make it compress like a camera photo, so the
 * sizes and timings of seeded data mean something; the shapes make a grid of them
 * look like a visitor log rather than test patterns.
 */
export function portraitPixels(width: number, height: number, seed: number): Buffer {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const backdrop = pick(BACKDROPS);
  const skin = pick(SKIN_TONES);
  const hair = pick(HAIR_COLOURS);
  const shirt = pick(SHIRTS);
  const cx = width * (0.45 + random() * 0.1);
  const headY = height * (0.38 + random() * 0.06);
  const headRx = width * (0.16 + random() * 0.04);
  const headRy = headRx * 1.28;
  const hairLength = 0.15 + random() * 0.9;
  const data = Buffer.allocUnsafe(width * height * 3);
  let noiseState = seed * 2654435761;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const light = 0.75 + 0.35 * (1 - (x + y) / (width + height));
      let colour = backdrop;
      const dx = (x - cx) / headRx;
      const dy = (y - headY) / headRy;
      const inHead = dx * dx + dy * dy <= 1;
      const shoulders = (x - cx) ** 2 / (width * 0.42) ** 2 + (y - height * 1.02) ** 2 / (height * 0.3) ** 2 <= 1;
      const hairDy = (y - (headY - headRy * 0.25)) / (headRy * 1.08);
      const hairDx = (x - cx) / (headRx * 1.12);
      const inHair =
        hairDx * hairDx + hairDy * hairDy <= 1 && (dy < -0.35 || (y < headY + headRy * hairLength && !inHead));
      if (shoulders) colour = shirt;
      if (inHair) colour = hair;
      else if (inHead) colour = skin;
      noiseState = (noiseState * 1664525 + 1013904223) >>> 0;
      const noise = ((noiseState >>> 24) & 15) - 8;
      const i = (y * width + x) * 3;
      data[i] = clamp(colour[0] * light + noise);
      data[i + 1] = clamp(colour[1] * light + noise);
      data[i + 2] = clamp(colour[2] * light + noise);
    }
  }
  return data;
}

type Rgb = readonly [number, number, number];

const BACKDROPS: readonly Rgb[] = [
  [170, 185, 200],
  [205, 200, 190],
  [150, 170, 160],
  [190, 175, 190],
  [120, 140, 170],
];
const SKIN_TONES: readonly Rgb[] = [
  [241, 206, 180],
  [224, 172, 138],
  [198, 134, 99],
  [141, 85, 54],
  [95, 58, 38],
];
const HAIR_COLOURS: readonly Rgb[] = [
  [35, 25, 20],
  [90, 60, 35],
  [180, 140, 80],
  [140, 140, 140],
  [120, 40, 30],
];
const SHIRTS: readonly Rgb[] = [
  [40, 60, 110],
  [200, 200, 205],
  [120, 30, 40],
  [50, 90, 60],
  [60, 60, 65],
];

function clamp(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
}

/** A small, seedable PRNG: the same seed always draws the same visitor. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
