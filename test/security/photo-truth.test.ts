import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src/server/api-error';
import { openContext } from '../../src/server/context';
import { sqlInAnotherProcess } from '../helpers/another-process';
import { makeImage } from '../helpers/images';
import { checkInForm, errorCode, jsonRequest, startTestServer, tempDataDir, type TestServer } from '../helpers/server';

/**
 * The server remembers the formats of photos it served (services/photo-service.ts): a photo
 * removed must never be answered from that memory, whoever removed it.
 */
describe('photos removed while the server remembers them', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  async function servedVisitor(): Promise<string> {
    const response = await server.api('/v1/add/', { method: 'POST', body: checkInForm(await makeImage('jpeg')) });
    const id = ((await response.json()) as { visitor_id: string }).visitor_id;
    for (const prefix of ['/v1/photo/thumb/', '/v1/photo/']) {
      expect((await server.api(prefix + id)).status).toBe(200); // now remembered
    }
    return id;
  }

  it('answers 4515 at once after an erasure on this server', async () => {
    const id = await servedVisitor();
    const erased = await server.api(`/v1/admin/visitors/${id}/erase`, jsonRequest('POST', { reason: 'request' }));
    expect(erased.status).toBe(200);
    for (const prefix of ['/v1/photo/thumb/', '/v1/photo/']) {
      expect(await errorCode(await server.api(prefix + id))).toBe('4515');
    }
  });

  it('forgets a photo as its erasure commits, before its files are gone', async () => {
    const ctx = await openContext({ dataDir: tempDataDir() });
    try {
      const staff = ctx.writes.run(() => ctx.repositories.users.insert('admin', 'unused', 0));
      const id = await ctx.visitors.checkIn(
        { cardno: 1, name: 'Remembered Face', mobile: '07700900123', purpose: 'Test' },
        await makeImage('jpeg'),
        staff,
      );
      expect(ctx.photos.find(id, 'thumb').contentType).toBe('image/jpeg'); // now remembered
      const erasing = ctx.erasure.erase(id, 'request', staff); // committed; its files go after
      expect(() => ctx.photos.find(id, 'thumb')).toThrow(expect.objectContaining({ code: '4515' }) as ApiError);
      await erasing;
    } finally {
      ctx.close();
    }
  });

  it('answers 4515 on the next request after another process removed the photo row', async () => {
    const id = await servedVisitor();
    sqlInAnotherProcess(
      server.dataDir,
      `DELETE FROM photos WHERE visitor_seq = (SELECT seq FROM visitors WHERE visitor_id = '${id}')`,
    );
    for (const prefix of ['/v1/photo/thumb/', '/v1/photo/']) {
      expect(await errorCode(await server.api(prefix + id))).toBe('4515');
    }
  });
});
