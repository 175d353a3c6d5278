import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openContext } from '../../src/server/context';
import { makeImage } from '../helpers/images';
import { describeWithPostgres, usePostgresCluster } from '../helpers/postgres';
import { checkInForm, photoFiles, signIn, STAFF, tempDataDir } from '../helpers/server';
import { spawnServer, stopServer, type ServerProcess } from './server-process';

/**
 * Liveness only, never a speed: an answer slower than this is a hang (the pool's statement
 * timeout and the "unavailable" pause are seconds; nothing a slow machine would reach).
 */
const HANG_MS = 60_000;

interface Attempt {
  status: number;
  code?: string;
  visitorId?: string;
}

describeWithPostgres('a company server while PostgreSQL crashes, stops and starts under check-ins', () => {
  const cluster = usePostgresCluster();
  const photos = tempDataDir();
  let server: ServerProcess | undefined;
  afterAll(async () => {
    if (server) await stopServer(server);
    fs.rmSync(photos, { recursive: true, force: true });
  });

  it('loses no acknowledged check-in, answers 5501 while it is down, never hangs, and recovers by itself', async () => {
    const store = { dataDir: photos, database: await cluster().createDatabase('restart') };
    const setup = await openContext(store);
    await setup.auth.createFirstUser(STAFF.username, STAFF.password);
    setup.close();
    server = await spawnServer(store);
    const token = await signIn(server.url, STAFF.username, STAFF.password);
    const image = await makeImage('jpeg', 320, 240, 8);

    const attempts: Attempt[] = [];
    let card = 0;
    let running = true;
    const checkIns = async (): Promise<void> => {
      while (running) {
        card += 1;
        const answer = await fetch(`${server!.url}/v1/add/`, {
          method: 'POST',
          headers: { authorization: `Token ${token}` },
          body: checkInForm(image, { name: `Visitor ${card}`, cardno: String(card) }),
          signal: AbortSignal.timeout(HANG_MS),
        });
        const body = (await answer.json()) as { visitor_id?: string; errors?: { code: string } };
        attempts.push({
          status: answer.status,
          ...(body.visitor_id ? { visitorId: body.visitor_id } : {}),
          ...(body.errors ? { code: body.errors.code } : {}),
        });
      }
    };
    const succeeded = () => attempts.filter((attempt) => attempt.status === 200).length;
    const untilMore = async (than: number, what: (attempt: Attempt) => boolean): Promise<void> => {
      while (attempts.filter(what).length <= than) await new Promise((resolve) => setTimeout(resolve, 100));
    };
    const loops = [checkIns(), checkIns(), checkIns()];
    try {
      await untilMore(5, (attempt) => attempt.status === 200);
      // A crash of PostgreSQL (immediate stop: no checkpoint, clients cut) and its restart.
      cluster().crashAndRestart();
      await untilMore(succeeded() + 5, (attempt) => attempt.status === 200);
      // Down for a while: refused as unavailable, each in seconds.
      cluster().stop();
      const refusedBefore = attempts.filter((attempt) => attempt.code === '5501').length;
      try {
        await untilMore(refusedBefore + 5, (attempt) => attempt.code === '5501');
      } finally {
        cluster().start();
      }
      await untilMore(succeeded() + 5, (attempt) => attempt.status === 200);
    } finally {
      running = false;
      await Promise.all(loops);
    }

    // Only acceptances and "unavailable": never a 500 or another refusal.
    expect(attempts.filter((attempt) => attempt.status !== 200 && attempt.code !== '5501')).toEqual([]);
    expect(attempts.every((attempt) => attempt.status === 200 || attempt.status === 503)).toBe(true);
    // Every acknowledged check-in is there, with its photo.
    const listed = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = (await (
        await fetch(`${server.url}/v1/log/?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
          headers: { authorization: `Token ${token}` },
        })
      ).json()) as { data: { visitor_id: string }[]; next_cursor: string | null };
      for (const visitor of page.data) listed.add(visitor.visitor_id);
      cursor = page.next_cursor;
    } while (cursor);
    const acknowledged = attempts.flatMap((attempt) => (attempt.visitorId ? [attempt.visitorId] : []));
    expect(acknowledged.filter((id) => !listed.has(id))).toEqual([]);
    // Nothing half-written: every visitor listed has their photo, also one whose commit the
    // crash cut off from its answer (listed, though its desk was told 5501).
    for (const id of listed) {
      const thumb = await fetch(`${server.url}/v1/photo/thumb/${id}`, { headers: { authorization: `Token ${token}` } });
      expect(thumb.status).toBe(200);
    }
    // ...and no photo is left of a check-in refused.
    const ids = new Set(photoFiles(photos).map((file) => path.basename(file).split('.')[0]));
    expect(ids).toEqual(listed);
  }, 240_000);
});
