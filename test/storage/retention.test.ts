import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage } from '../helpers/images';
import { errorCode, photoFiles, startTestServer, type TestServer } from '../helpers/server';

const DAY = 24 * 60 * 60 * 1000;

describe('photo retention', () => {
  let server: TestServer;
  const clock = Date.now();
  beforeAll(async () => {
    server = await startTestServer({ now: () => clock });
  });
  afterAll(() => server.stop());

  async function visitorWhoLeft(daysAgo: number): Promise<string> {
    const image = await makeImage('jpeg', 320, 240);
    const id = await server.context.visitors.checkIn(
      { cardno: Math.floor(Math.random() * 9000) + 1, name: `Left ${daysAgo}`, mobile: '5550100', purpose: 'Meeting' },
      image,
      1,
    );
    server.context.db.prepare('UPDATE visitors SET exit_at = ? WHERE visitor_id = ?').run(clock - daysAgo * DAY, id);
    return id;
  }

  it('deletes the photos of visitors who left longer ago than the limit, and keeps their visits', async () => {
    const old = await visitorWhoLeft(40);
    const recent = await visitorWhoLeft(5);
    const onSite = await server.context.visitors.checkIn(
      { cardno: 9999, name: 'Still Here', mobile: '5550100', purpose: 'Meeting' },
      await makeImage('png', 200, 200),
      1,
    );
    expect(await server.context.purgePhotos(30)).toBe(1);
    expect(await errorCode(await server.api(`/v1/photo/${old}`))).toBe('4515');
    expect(await errorCode(await server.api(`/v1/photo/thumb/${old}`))).toBe('4515');
    expect((await server.api(`/v1/photo/${recent}`)).status).toBe(200);
    expect((await server.api(`/v1/photo/${onSite}`)).status).toBe(200);
    expect(photoFiles(server.dataDir).some((file) => file.includes(old))).toBe(false);
    const log = server.context.visitors.log({ q: 'Left', limit: 10 }).visitors;
    expect(log.find((v) => v.visitor_id === old)).toMatchObject({ has_photo: false, thumbhash: null });
    expect(await server.context.purgePhotos(30)).toBe(0);
  });
});
