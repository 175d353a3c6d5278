import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newVisitorId } from '../../src/server/ids';
import { makeImage } from '../helpers/images';
import { checkInForm, errorCode, startTestServer, type TestServer } from '../helpers/server';

describe('GET /v1/photo/<id> and /v1/photo/thumb/<id>', () => {
  let server: TestServer;
  let id: string;
  let original: Buffer;

  beforeAll(async () => {
    server = await startTestServer();
    original = await makeImage('webp', 900, 600);
    const response = await server.api('/v1/add/', { method: 'POST', body: checkInForm(original) });
    id = ((await response.json()) as { visitor_id: string }).visitor_id;
  });
  afterAll(() => server.stop());

  it.each(['/v1/photo/thumb/', '/v1/photo/'])('%s carries a strong ETag and long private caching', async (prefix) => {
    const response = await server.api(prefix + id);
    expect(response.status).toBe(200);
    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_.-]+"$/);
    expect(response.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(Number(response.headers.get('content-length'))).toBe((await response.arrayBuffer()).byteLength);

    const again = await server.api(prefix + id, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
    const other = await server.api(prefix + id, { headers: { 'if-none-match': '"something-else"' } });
    expect(other.status).toBe(200);
  });

  it('answers 3100 when the ID is missing', async () => {
    for (const pathname of ['/v1/photo/', '/v1/photo', '/v1/photo/thumb/', '/v1/photo/thumb']) {
      const response = await server.api(pathname);
      expect(response.status).toBe(400);
      expect(await errorCode(response)).toBe('3100');
    }
  });

  it('answers 3404 as JSON for an unknown ID, or one that cannot be an ID', async () => {
    const hostile = [
      newVisitorId(),
      '..%2F..%2F..%2Fetc%2Fpasswd',
      '%2e%2e%2f%2e%2e%2fphotos',
      '..%5c..%5cwindows',
      `${id.slice(0, 21)}%00`,
      '%252e%252e%252f',
      `${id}.jpg`,
      'a'.repeat(300),
    ];
    for (const candidate of hostile) {
      for (const prefix of ['/v1/photo/', '/v1/photo/thumb/']) {
        const response = await server.api(prefix + candidate);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await errorCode(response)).toBe('3404');
      }
    }
  });

  it('answers 4515 for a visitor without a photo', async () => {
    const visitorId = newVisitorId();
    server.context.writes.run(() =>
      server.context.repositories.visitors.insert(
        {
          visitor_id: visitorId,
          card_no: 77,
          name: 'No Photo',
          mobile: '1234567',
          purpose: 'Interview',
          visitee_no: null,
          entry_at: Date.now(),
          created_by: null,
        },
        null,
      ),
    );
    for (const prefix of ['/v1/photo/', '/v1/photo/thumb/']) {
      const response = await server.api(prefix + visitorId);
      expect(response.status).toBe(404);
      expect(await errorCode(response)).toBe('4515');
    }
  });

  it('answers 4515 once the image file has been removed', async () => {
    const response = await server.api('/v1/add/', { method: 'POST', body: checkInForm(original) });
    const removed = ((await response.json()) as { visitor_id: string }).visitor_id;
    fs.rmSync(server.context.store.pathOf(removed, 'thumb', 'webp'));
    expect(await errorCode(await server.api(`/v1/photo/thumb/${removed}`))).toBe('4515');
    expect((await server.api(`/v1/photo/${removed}`)).status).toBe(200);
  });

  it('serves a thumbnail file whole whatever its size or ending', async () => {
    // A file the server did not write as it writes thumbnails (a restored backup, another
    // build's): larger than one read, or not ending as a JPEG does, it is still served whole.
    const ending = Buffer.from([0xff, 0xd9]);
    const files = {
      large: Buffer.concat([Buffer.alloc(300_000, 7), ending]),
      unended: Buffer.alloc(5_000, 9),
      exact: Buffer.concat([Buffer.alloc(128 * 1024 - 2, 3), ending]),
      small: Buffer.concat([Buffer.alloc(40, 1), ending]),
    };
    for (const [kind, bytes] of Object.entries(files)) {
      const response = await server.api('/v1/add/', { method: 'POST', body: checkInForm(original) });
      const visitorId = ((await response.json()) as { visitor_id: string }).visitor_id;
      fs.writeFileSync(server.context.store.pathOf(visitorId, 'thumb', 'webp'), bytes);
      const served = Buffer.from(await (await server.api(`/v1/photo/thumb/${visitorId}`)).arrayBuffer());
      expect(served.equals(bytes), kind).toBe(true);
    }
  });
});
