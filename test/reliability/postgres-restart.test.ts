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

/** How long the test waits for what it expects next, before it says what it saw instead. */
const PATIENCE_MS = 120_000;

/** The two answers PostgreSQL's absence may give: nothing saved, or saved unconfirmed (http/errors.ts). */
const UNAVAILABLE = /nothing was saved|it may have been saved/;

interface Attempt {
  /** 0: no answer (the connection failed). */
  status: number;
  code?: string;
  message?: string;
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
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const checkIns = async (): Promise<void> => {
      while (running) {
        card += 1;
        try {
          const answer = await fetch(`${server!.url}/v1/add/`, {
            method: 'POST',
            headers: { authorization: `Token ${token}` },
            body: checkInForm(image, { name: `Visitor ${card}`, cardno: String(card) }),
            signal: AbortSignal.timeout(HANG_MS),
          });
          const body = (await answer.json()) as {
            visitor_id?: string;
            errors?: { code: string; message: string };
          };
          attempts.push({
            status: answer.status,
            ...(body.visitor_id ? { visitorId: body.visitor_id } : {}),
            ...(body.errors ? { code: body.errors.code, message: body.errors.message } : {}),
          });
          // As a desk would: a moment before trying again.
          if (answer.status !== 200) await pause(100);
        } catch (error) {
          attempts.push({ status: 0, message: String(error) });
        }
      }
    };
    const succeeded = () => attempts.filter((attempt) => attempt.status === 200).length;
    const untilMore = async (than: number, what: (attempt: Attempt) => boolean): Promise<void> => {
      const deadline = Date.now() + PATIENCE_MS;
      while (attempts.filter(what).length <= than) {
        if (Date.now() > deadline) {
          const last = attempts.slice(-5).map((attempt) => JSON.stringify(attempt));
          throw new Error(`waited ${PATIENCE_MS / 1000} s in vain; the last answers: ${last.join(', ')}`);
        }
        await pause(100);
      }
    };
    const loops = [checkIns(), checkIns(), checkIns()];
    try {
      await untilMore(5, (attempt) => attempt.status === 200);
      // A crash of PostgreSQL (immediate stop: no checkpoint, clients cut) and its restart.
      await cluster().crash();
      await cluster().start();
      await untilMore(succeeded() + 5, (attempt) => attempt.status === 200);
      // Down for a while: refused as unavailable, each in seconds.
      await cluster().stop();
      const refusedBefore = attempts.filter((attempt) => attempt.code === '5501').length;
      try {
        await untilMore(refusedBefore + 5, (attempt) => attempt.code === '5501');
      } finally {
        await cluster().start();
      }
      await untilMore(succeeded() + 5, (attempt) => attempt.status === 200);
    } finally {
      running = false;
      await Promise.allSettled(loops);
    }

    // Only acceptances and "unavailable", each an answer: never a fault of ours, another refusal or a cut connection.
    expect(
      attempts.filter(
        (attempt) => attempt.status !== 200 && !(attempt.code === '5501' && UNAVAILABLE.test(attempt.message!)),
      ),
    ).toEqual([]);
    // Every acknowledged check-in is there, with its photo.
    const listed = new Set<string>();
    let cursor: string | null = null;
    do {
      const answer = await fetch(
        `${server.url}/v1/log/?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        {
          headers: { authorization: `Token ${token}` },
        },
      );
      expect(answer.status).toBe(200);
      const page = (await answer.json()) as { data: { visitor_id: string }[]; next_cursor: string | null };
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
    // ...and no photo is left of a check-in refused, but those of a commit PostgreSQL did not
    // confirm that did not happen: their intents stand, for the sweep to remove them later.
    const check = await openContext({ ...store, sweepInterrupted: false });
    const intents = new Set(check.db.prepare<[], string>('SELECT visitor_id FROM photo_intents').pluck().all());
    check.close();
    const stray = photoFiles(photos).filter((file) => {
      const id = path.basename(file).split('.')[0]!;
      return !listed.has(id) && !intents.has(id);
    });
    expect(stray).toEqual([]);
    const held = new Set(photoFiles(photos).map((file) => path.basename(file).split('.')[0]));
    expect([...listed].filter((id) => !held.has(id))).toEqual([]);
  }, 240_000);
});
