import sharp, { type JpegOptions } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPlainLossyWebp, jpegSamplesPerPixel } from '../../src/server/media/image-format';
import { checkInForm, startTestServer, type TestServer } from '../helpers/server';

const solid = (width: number, height: number, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background: { r: 160, g: 128, b: 96, alpha: 0.5 } } });

describe('what a decode would hold, read from the file before it is decoded', () => {
  it('counts the samples a JPEG stores per pixel from its frame header', async () => {
    const jpeg = (options: JpegOptions, colour?: 'cmyk' | 'b-w') =>
      (colour ? solid(64, 48).toColourspace(colour) : solid(64, 48)).jpeg(options).toBuffer();
    expect(jpegSamplesPerPixel(await jpeg({ chromaSubsampling: '4:2:0' }))).toBe(1.5);
    expect(jpegSamplesPerPixel(await jpeg({ chromaSubsampling: '4:4:4', progressive: true }))).toBe(3);
    expect(jpegSamplesPerPixel(await jpeg({}, 'b-w'))).toBe(1);
    expect(jpegSamplesPerPixel(await jpeg({ chromaSubsampling: '4:4:4' }, 'cmyk'))).toBe(4);
    // No frame header that can be read: the most a JPEG can store.
    expect(jpegSamplesPerPixel(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02]))).toBe(4);
  });

  it('tells a plain lossy WebP from a lossless one or one with alpha', async () => {
    expect(isPlainLossyWebp(await solid(64, 48).webp().toBuffer())).toBe(true);
    expect(isPlainLossyWebp(await solid(64, 48).webp({ lossless: true }).toBuffer())).toBe(false);
    expect(isPlainLossyWebp(await solid(64, 48, 4).webp().toBuffer())).toBe(false);
  });
});

describe('uploads whose decoding would hold too much', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it.each([
    // Decoded whole at four bytes a pixel: 64 MB.
    ['a lossless WebP of 16 MP', () => solid(4000, 4000).webp({ lossless: true }).toBuffer(), 'save it smaller.'],
    // libjpeg's coefficients of every sample, two bytes each: 12 MP × 3 × 2 = 72 MB.
    [
      'a progressive 4:4:4 JPEG of 12 MP',
      () => solid(4000, 3000).jpeg({ progressive: true, chromaSubsampling: '4:4:4' }).toBuffer(),
      'save it as a baseline JPEG or smaller.',
    ],
  ])('refuses %s before decoding it', async (_label, make, advice) => {
    const response = await server.api('/v1/add/', { method: 'POST', body: checkInForm(await make()) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      success: false,
      errors: { code: '2400', message: `The image is too large to decode: ${advice}` },
    });
    expect(server.context.visitors.onSite()).toEqual([]);
  });

  it('takes the same pixels as a plain lossy WebP and a progressive 4:2:0 JPEG', async () => {
    for (const image of [
      await solid(4000, 4000).webp().toBuffer(),
      await solid(4000, 3000).jpeg({ progressive: true }).toBuffer(),
    ]) {
      const response = await server.api('/v1/add/', { method: 'POST', body: checkInForm(image) });
      expect(response.status).toBe(200);
    }
    expect(server.context.visitors.onSite()).toHaveLength(2);
  });
});
