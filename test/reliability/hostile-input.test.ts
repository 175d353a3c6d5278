import fc from 'fast-check';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCheckInFields, IMAGE_MAX_BYTES } from '../../src/shared/visitor-fields';
import { makeImage } from '../helpers/images';
import { checkInForm, errorCode, photoFiles, startTestServer, type TestServer } from '../helpers/server';

/** A valid JPEG grown to `size` bytes with a comment segment (COM) stuffed after its header. */
function paddedJpeg(jpeg: Buffer, size: number): Buffer {
  const segments: Buffer[] = [];
  let remaining = size - jpeg.length;
  while (remaining > 4) {
    const length = Math.min(remaining - 2, 65535);
    const segment = Buffer.alloc(length + 2, 0x20);
    segment.writeUInt16BE(0xfffe, 0);
    segment.writeUInt16BE(length, 2);
    segments.push(segment);
    remaining -= length + 2;
  }
  const padded = Buffer.concat([jpeg.subarray(0, 2), ...segments, Buffer.alloc(remaining, 0), jpeg.subarray(2)]);
  // Pad bytes before a marker are tolerated by decoders; trim any overshoot at the end.
  return padded.subarray(0, size);
}

describe('hostile input', () => {
  let server: TestServer;
  let jpeg: Buffer;
  let snapshot: () => { files: string[]; visitors: unknown };

  beforeAll(async () => {
    server = await startTestServer();
    jpeg = await makeImage('jpeg', 640, 480, 5);
    snapshot = () => ({
      files: photoFiles(server.dataDir),
      visitors: server.context.db.prepare('SELECT count(*) AS n FROM visitors').get(),
    });
  });
  afterAll(() => server.stop());

  const add = (form: FormData) => server.api('/v1/add/', { method: 'POST', body: form });

  it('accepts a photo just under 5 MiB and refuses one just over, leaving nothing behind', async () => {
    const under = paddedJpeg(jpeg, IMAGE_MAX_BYTES - 16);
    const response = await add(checkInForm(under));
    expect(response.status).toBe(200);
    const before = snapshot();
    const over = await add(checkInForm(Buffer.concat([under, Buffer.alloc(32)])));
    expect(over.status).toBe(413);
    expect(await errorCode(over)).toBe('2400');
    expect(snapshot()).toEqual(before);
  });

  it('strips a huge metadata segment from the thumbnail', async () => {
    const response = await add(checkInForm(paddedJpeg(jpeg, 3 * 1024 * 1024)));
    const { visitor_id } = (await response.json()) as { visitor_id: string };
    const thumb = await server.api(`/v1/photo/thumb/${visitor_id}`);
    expect((await thumb.arrayBuffer()).byteLength).toBeLessThan(64 * 1024);
  });

  it('refuses thousands of fields with 2400', async () => {
    const before = snapshot();
    const form = checkInForm(jpeg);
    for (let i = 0; i < 5000; i++) form.append(`field${i}`, 'x');
    const response = await add(form);
    expect(await errorCode(response)).toBe('2400');
    expect(snapshot()).toEqual(before);
  });

  it.each([
    ['announced in Content-Length', { 'content-length': String(4 * 1024 ** 3) }],
    ['sent chunked, with no length announced', {}],
  ])('cuts a multi-gigabyte upload off early instead of reading it (%s)', async (_label, lengthHeader) => {
    const before = snapshot();
    const boundary = 'frontdesk-flood';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="flood.jpg"\r\n` +
        'Content-Type: image/jpeg\r\n\r\n',
    );
    const chunk = Buffer.alloc(1024 * 1024, 0xab);
    const result = await new Promise<{ status: number; body: string; sentMiB: number }>((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const request = http.request(`${server.url}/v1/add/`, {
        method: 'POST',
        headers: {
          authorization: `Token ${server.token}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          ...lengthHeader,
        },
      });
      request.on('response', (response) => {
        answered = true;
        let body = '';
        response.on('data', (part: Buffer) => (body += part.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, body, sentMiB: sent / 1024 / 1024 }));
      });
      request.on('error', (error) => (answered ? undefined : reject(error)));
      request.write(head);
      const pump = (): void => {
        // Stop after 4 GiB at most; the server should have answered long before.
        while (!answered && sent < 4 * 1024 ** 3) {
          sent += chunk.length;
          if (!request.write(chunk)) {
            request.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body)).toMatchObject({ errors: { code: '2400' } });
    expect(result.sentMiB).toBeLessThan(64);
    expect(snapshot()).toEqual(before);
  });

  it.each([
    ['a non-Latin name of 50 characters', '李'.repeat(50)],
    ['a name with accents and an apostrophe', "Siobhán O'Connor-Ñúñez"],
    ['an SQL-looking name', "Robert'); DROP TABLE visitors;--"],
    ['a name that looks like markup', '<img src=x onerror=alert(1)>'],
  ])('stores %s exactly as given', async (_label, name) => {
    const response = await add(checkInForm(jpeg, { name }));
    const { visitor_id } = (await response.json()) as { visitor_id: string };
    const body = (await (await server.api(`/v1/get/${visitor_id}`)).json()) as { data: { name: string }[] };
    expect(body.data[0]!.name).toBe(name);
  });

  it('agrees with the shared form schema on every field rule (property-based)', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.stringMatching(/^\+?\d{0,17}$/),
      fc.stringMatching(/^\d{0,6}$/),
      fc.constantFrom('', ' ', '0', '9999', '10000', 'Meeting', '+4477009001'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({ cardno: text, name: text, mobile: text, purpose: text }, { requiredKeys: [] }),
        async (fields) => {
          const expected = checkCheckInFields(fields);
          const form = new FormData();
          for (const [key, value] of Object.entries(fields)) form.set(key, value);
          // No image: a form the schema accepts must fail only for the missing image, or for a
          // card that a visitor checked in by the tests above still holds.
          const response = await add(form);
          const body = (await response.json()) as { errors: { code: string; field?: string } };
          if (!expected.ok) expect(body.errors.code).toBe(expected.problems[0]!.code);
          else if (server.context.repositories.visitors.isCardOnSite(expected.value.cardno)) {
            expect(body.errors).toMatchObject({ code: '2301', field: 'cardno' });
          } else expect(body.errors).toMatchObject({ code: '2200', field: 'image' });
        },
      ),
      { numRuns: 150 },
    );
  });
});
