import http from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Visitor } from '../../src/shared/api-types';
import { makeImage, makeRotatedJpeg, type TestFormat } from '../helpers/images';
import { rawRequest } from '../helpers/raw-http';
import { checkInForm, errorCode, photoFiles, startTestServer, type TestServer } from '../helpers/server';

describe('POST /v1/add/', () => {
  let server: TestServer;
  let jpeg: Buffer;
  beforeAll(async () => {
    server = await startTestServer();
    server.context.hosts.create({ name: 'Grace Hopper', email: 'grace@example.com' });
    jpeg = await makeImage('jpeg', 1600, 1200);
  });
  afterAll(() => server.stop());

  const add = (form: FormData, auth: boolean | string = true) =>
    server.api('/v1/add/', { method: 'POST', body: form, auth });

  async function visitor(id: string): Promise<Visitor> {
    const body = (await (await server.api(`/v1/get/${id}`)).json()) as { data: Visitor[] };
    return body.data[0]!;
  }

  it.each<[TestFormat, string]>([
    ['jpeg', 'image/jpeg'],
    ['png', 'image/png'],
    ['webp', 'image/webp'],
    ['bmp', 'image/bmp'],
  ])('checks a visitor in with a %s photo and keeps the bytes as uploaded', async (format, contentType) => {
    const image = await makeImage(format, 800, 600, 7);
    const response = await add(checkInForm(image, { visitee_no: '1' }, `photo.${format}`));
    expect(response.status).toBe(200);
    const { success, visitor_id } = (await response.json()) as { success: boolean; visitor_id: string };
    expect(success).toBe(true);
    expect(visitor_id).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const full = await server.api(`/v1/photo/${visitor_id}`);
    expect(full.headers.get('content-type')).toBe(contentType);
    expect(Buffer.from(await full.arrayBuffer()).equals(image)).toBe(true);

    const thumb = await server.api(`/v1/photo/thumb/${visitor_id}`);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.min(meta.width, meta.height)).toBe(320);
    expect(meta.exif).toBeUndefined();

    const record = await visitor(visitor_id);
    expect(record).toMatchObject({
      name: 'Ada Lovelace',
      visitee_no: 1,
      visitee_name: 'Grace Hopper',
      has_photo: true,
    });
    expect(record).toMatchObject({ photo_width: 800, photo_height: 600, exit_time: null });
    expect(Buffer.from(record.thumbhash!, 'base64').length).toBeLessThan(40);
    expect(record.entry_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('accepts the token as the form field access_token, as the original clients send it', async () => {
    const response = await add(checkInForm(jpeg, { access_token: server.token }), false);
    expect(response.status).toBe(200);
  });

  it('answers 1190 when neither the header nor the form carries a token', async () => {
    const before = photoFiles(server.dataDir);
    expect(await errorCode(await add(checkInForm(jpeg), false))).toBe('1190');
    expect(photoFiles(server.dataDir)).toEqual(before);
  });

  it('decides the token before judging the form: faults in a form without one are 1190', async () => {
    const twice = checkInForm(jpeg);
    twice.append('name', 'Someone Else');
    const tooLong = checkInForm(jpeg, { purpose: 'x'.repeat(5000) });
    for (const form of [twice, tooLong]) expect(await errorCode(await add(form, false))).toBe('1190');
    // Bodies that are not a form are not read at all without a token; nor is one too large to be a check-in.
    for (const init of [
      { headers: { 'content-type': 'application/json' }, body: '{bad json' },
      { headers: { 'content-type': 'application/json' }, body: '' },
      { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'x='.repeat(40_000) },
    ]) {
      const response = await server.api('/v1/add/', { method: 'POST', auth: false, ...init });
      expect(await errorCode(response), init.body.slice(0, 10)).toBe('1190');
    }
    const huge = await rawRequest(
      server.port,
      'POST',
      '/v1/add/',
      { 'content-type': 'multipart/form-data; boundary=b', 'content-length': '99999999' },
      '--b',
    );
    expect(huge.body).toContain('"code":"1190"');
    // With the token in the form (as Part 1 allows), the same faults are the form's: 2400.
    const withToken = checkInForm(jpeg, { access_token: server.token });
    withToken.append('name', 'Someone Else');
    expect(await errorCode(await add(withToken, false))).toBe('2400');
    // The token after the fault in the form: read first all the same.
    const tokenLast = new FormData();
    tokenLast.append('name', 'One');
    tokenLast.append('name', 'Two');
    tokenLast.append('access_token', server.token);
    expect(await errorCode(await add(tokenLast, false))).toBe('2400');
  });

  it('says Connection: close when it will not read an upload, so a reused connection never hangs up', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const body = Buffer.concat([
      Buffer.from('--b\r\nContent-Disposition: form-data; name="image"; filename="p.jpg"\r\n\r\n'),
      jpeg,
    ]);
    const send = (headers: http.OutgoingHttpHeaders, payload?: Buffer) =>
      new Promise<http.IncomingMessage>((resolve, reject) => {
        const request = http.request(
          {
            host: '127.0.0.1',
            port: server.port,
            path: payload ? '/v1/add/' : '/v1/me',
            method: payload ? 'POST' : 'GET',
            agent,
            headers,
          },
          (response) => {
            response.resume();
            response.once('end', () => resolve(response));
          },
        );
        request.once('error', reject);
        request.end(payload);
      });
    for (let round = 0; round < 5; round++) {
      const refused = await send(
        { 'content-type': 'multipart/form-data; boundary=b', 'content-length': body.length },
        body,
      );
      expect(refused.statusCode).toBe(401);
      expect(refused.headers.connection).toBe('close');
      // The next request on the same agent goes out on a fresh connection and is answered.
      const next = await send({ authorization: `Token ${server.token}` });
      expect(next.statusCode).toBe(200);
    }
    agent.destroy();
  });

  it('applies EXIF orientation to the thumbnail and the reported size', async () => {
    const response = await add(checkInForm(await makeRotatedJpeg(1200, 800)));
    const { visitor_id } = (await response.json()) as { visitor_id: string };
    expect(await visitor(visitor_id)).toMatchObject({ photo_width: 800, photo_height: 1200 });
    const thumb = Buffer.from(await (await server.api(`/v1/photo/thumb/${visitor_id}`)).arrayBuffer());
    const meta = await sharp(thumb).metadata();
    expect([meta.width, meta.height]).toEqual([320, 480]);
    expect(meta.orientation).toBeUndefined();
  });

  it('never enlarges a photo smaller than a thumbnail', async () => {
    const response = await add(checkInForm(await makeImage('png', 200, 150)));
    const { visitor_id } = (await response.json()) as { visitor_id: string };
    const thumb = Buffer.from(await (await server.api(`/v1/photo/thumb/${visitor_id}`)).arrayBuffer());
    expect(await sharp(thumb).metadata()).toMatchObject({ width: 200, height: 150 });
  });

  it('lays a transparent photo on white, and makes every thumbnail a 3-channel sRGB JPEG', async () => {
    const clear = { r: 0, g: 0, b: 0, alpha: 0 };
    const photos = {
      transparent: await sharp({ create: { width: 800, height: 600, channels: 4, background: clear } })
        .png()
        .toBuffer(),
      cmyk: await sharp(await makeImage('png', 800, 600, 3))
        .toColourspace('cmyk')
        .jpeg()
        .toBuffer(),
      grey: await sharp(await makeImage('png', 800, 600, 5))
        .toColourspace('b-w')
        .png()
        .toBuffer(),
    };
    for (const [kind, photo] of Object.entries(photos)) {
      const response = await add(checkInForm(photo, {}, `${kind}.img`));
      expect(response.status, kind).toBe(200);
      const { visitor_id } = (await response.json()) as { visitor_id: string };
      const thumb = Buffer.from(await (await server.api(`/v1/photo/thumb/${visitor_id}`)).arrayBuffer());
      expect(await sharp(thumb).metadata(), kind).toMatchObject({ format: 'jpeg', space: 'srgb', channels: 3 });
      if (kind === 'transparent') {
        const { channels } = await sharp(thumb).stats();
        expect(channels.map((channel) => channel.min)).toEqual([255, 255, 255]);
      }
    }
  });

  describe('refuses bad input with the documented code and leaves nothing behind', () => {
    const cases: [string, () => FormData, string][] = [
      ['a missing cardno', () => checkInForm(jpeg, { cardno: undefined }), '2200'],
      ['a missing name', () => checkInForm(jpeg, { name: undefined }), '2200'],
      ['a missing mobile', () => checkInForm(jpeg, { mobile: undefined }), '2200'],
      ['a missing purpose', () => checkInForm(jpeg, { purpose: undefined }), '2200'],
      ['a missing image', () => checkInForm(null), '2200'],
      ['cardno 0', () => checkInForm(jpeg, { cardno: '0' }), '2301'],
      ['cardno 10000', () => checkInForm(jpeg, { cardno: '10000' }), '2301'],
      ['cardno with letters', () => checkInForm(jpeg, { cardno: '12a' }), '2301'],
      ['cardno negative', () => checkInForm(jpeg, { cardno: '-5' }), '2301'],
      ['a mobile with 5 digits', () => checkInForm(jpeg, { mobile: '12345' }), '2302'],
      ['a mobile with 16 digits', () => checkInForm(jpeg, { mobile: '1234567890123456' }), '2302'],
      ['a mobile with letters', () => checkInForm(jpeg, { mobile: '+44 77OO 900' }), '2302'],
      ['an empty purpose', () => checkInForm(jpeg, { purpose: '   ' }), '2303'],
      ['a 51-character purpose', () => checkInForm(jpeg, { purpose: 'p'.repeat(51) }), '2303'],
      ['a blank name', () => checkInForm(jpeg, { name: '  ' }), '2400'],
      ['a 51-character name', () => checkInForm(jpeg, { name: 'n'.repeat(51) }), '2400'],
      ['a name with a control character', () => checkInForm(jpeg, { name: 'Ada\u0000Lovelace' }), '2400'],
      ['an unknown visitee', () => checkInForm(jpeg, { visitee_no: '999' }), '3404'],
      ['a visitee that is not a number', () => checkInForm(jpeg, { visitee_no: 'grace' }), '2400'],
    ];
    it.each(cases)('%s', async (_label, form, code) => {
      const before = photoFiles(server.dataDir);
      const visitorsBefore = server.context.db.prepare('SELECT count(*) AS n FROM visitors').get();
      const response = await add(form());
      expect(response.status).toBe(code === '3404' ? 404 : 400);
      expect(await errorCode(response)).toBe(code);
      expect(photoFiles(server.dataDir)).toEqual(before);
      expect(server.context.db.prepare('SELECT count(*) AS n FROM visitors').get()).toEqual(visitorsBefore);
    });
  });

  describe('decides the image format by content, not by name or declared type', () => {
    const files: [string, () => Promise<Buffer>, string, number][] = [
      ['text named .jpg', async () => Buffer.from('hello, I am not a photo'), '2415', 415],
      ['an empty file', async () => Buffer.alloc(0), '2415', 415],
      [
        'SVG named .png',
        async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'),
        '2415',
        415,
      ],
      ['HTML named .jpg', async () => Buffer.from('<!doctype html><script>alert(1)</script>'), '2415', 415],
      [
        'a GIF',
        () =>
          sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } })
            .gif()
            .toBuffer(),
        '2415',
        415,
      ],
      ['a truncated JPEG', async () => jpeg.subarray(0, Math.floor(jpeg.length / 2)), '2415', 415],
      [
        'a JPEG header and garbage',
        async () => Buffer.concat([jpeg.subarray(0, 200), Buffer.alloc(5000, 7)]),
        '2415',
        415,
      ],
      ['a truncated PNG', async () => (await makeImage('png', 300, 300)).subarray(0, 4000), '2415', 415],
      ['a truncated BMP', async () => (await makeImage('bmp', 300, 300)).subarray(0, 4000), '2415', 415],
      ['a file over 5 MiB', async () => Buffer.concat([jpeg, Buffer.alloc(5 * 1024 * 1024)]), '2400', 413],
    ];
    it.each(files)('%s', async (_label, make, code, status) => {
      const before = photoFiles(server.dataDir);
      const response = await add(checkInForm(await make()));
      expect(response.status).toBe(status);
      expect(await errorCode(response)).toBe(code);
      expect(photoFiles(server.dataDir)).toEqual(before);
    });
  });

  it('refuses a PNG whose header declares 50,000 × 50,000 pixels with 2400, without decoding it', async () => {
    const png = await makeImage('png', 64, 64);
    png.writeUInt32BE(50_000, 16);
    png.writeUInt32BE(50_000, 20);
    const response = await add(checkInForm(png));
    expect(['2400', '2415']).toContain(await errorCode(response));
  });

  it('refuses a second image part with 2400', async () => {
    const form = checkInForm(jpeg);
    form.append('image2', new Blob([new Uint8Array(jpeg)]), 'second.jpg');
    expect(await errorCode(await add(form))).toBe('2400');
  });

  it('refuses a field sent twice with 2400', async () => {
    const form = checkInForm(jpeg);
    form.append('name', 'Someone Else');
    expect(await errorCode(await add(form))).toBe('2400');
  });

  it('refuses a card number already held by a visitor on the premises, and frees it on exit', async () => {
    const first = await add(checkInForm(jpeg, { cardno: '4242' }));
    const { visitor_id } = (await first.json()) as { visitor_id: string };
    const second = await add(checkInForm(jpeg, { cardno: '4242' }));
    expect(await errorCode(second)).toBe('2301');
    await server.api(`/v1/exit/${visitor_id}`);
    expect((await add(checkInForm(jpeg, { cardno: '4242' }))).status).toBe(200);
  });

  it('refuses a body that is not multipart with 2415', async () => {
    const response = await server.api('/v1/add/', {
      method: 'POST',
      body: JSON.stringify({ cardno: '1' }),
      headers: { 'content-type': 'application/xml' },
    });
    expect(await errorCode(response)).toBe('2415');
  });
});
