import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openContext } from '../../src/server/context';
import { newVisitorId } from '../../src/server/ids';
import { PhotoStore } from '../../src/server/photos/photo-store';
import { makeImage } from '../helpers/images';
import { describeWithPostgres, usePostgresCluster } from '../helpers/postgres';
import { photoFiles, tempDataDir } from '../helpers/server';

describe('start-up recovery of interrupted check-ins', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('removes the files of a check-in whose row never committed, and half-written temporary files', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const first = await openContext({ dataDir });
    const image = await makeImage('jpeg', 320, 240);

    // A whole check-in that committed: must survive.
    const { host, staff } = first.writes.run(() => ({
      host: first.hosts.create({ name: 'Host' }).visitee_no,
      staff: first.repositories.users.insert('staff', 'not-a-real-hash', 0),
    }));
    const kept = await first.visitors.checkIn(
      { cardno: 1, name: 'Kept', mobile: '1234567', purpose: 'Meeting', visitee_no: host },
      image,
      staff,
    );
    // A crash after the files were renamed into place but before the row committed.
    const orphan = newVisitorId();
    first.writes.run(() => first.repositories.intents.add(orphan, 'jpeg', 0));
    await first.store.writePhoto(orphan, 'jpeg', image, image);
    // A crash in the middle of writing a temporary file.
    fs.writeFileSync(path.join(dataDir, 'photos', 'tmp', 'half-written.jpg.abc.tmp'), image.subarray(0, 100));
    first.close();

    const second = await openContext({ dataDir });
    const files = photoFiles(dataDir);
    expect(files.some((file) => file.includes(orphan))).toBe(false);
    expect(files.filter((file) => file.includes(kept))).toHaveLength(2);
    expect(files.filter((file) => file.startsWith('tmp'))).toEqual([]);
    expect(second.db.prepare('SELECT count(*) AS n FROM photo_intents').get()).toEqual({ n: 0 });
    const original = second.photos.read(second.photos.find(kept, 'original'));
    expect(original.equals(image)).toBe(true);
    second.close();
  });

  it('refuses to make a path from anything but a visitor ID', () => {
    const store = new PhotoStore(tempDataDir());
    dirs.push(path.dirname(store.root));
    for (const bad of ['../../../etc/passwd', 'a/b', '', 'A'.repeat(21) + '\0']) {
      expect(() => store.pathOf(bad, 'original', 'jpeg')).toThrow();
    }
  });
});

describeWithPostgres('start-up recovery on a folder shared by instances of a company server', () => {
  const cluster = usePostgresCluster();
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('clears only what is old enough that no running instance can still be writing it', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const database = await cluster().createDatabase('shared_sweep');
    const running = await openContext({ dataDir, database });
    const image = await makeImage('jpeg', 320, 240);
    const [underWay, leftOver] = [newVisitorId(), newVisitorId()];
    const tmp = path.join(dataDir, 'photos', 'tmp');
    // A check-in the running instance is writing at this moment, and one a crash cut short an hour ago.
    running.writes.run(() => {
      running.repositories.intents.add(underWay, 'jpeg', Date.now());
      running.repositories.intents.add(leftOver, 'jpeg', Date.now() - 60 * 60 * 1000);
    });
    await running.store.writePhoto(underWay, 'jpeg', image, image);
    await running.store.writePhoto(leftOver, 'jpeg', image, image);
    fs.writeFileSync(path.join(tmp, 'being-written.jpg.abc.tmp'), image.subarray(0, 100));
    fs.writeFileSync(path.join(tmp, 'cut-short.jpg.abc.tmp'), image.subarray(0, 100));
    const anHourAgo = new Date(Date.now() - 60 * 60 * 1000);
    fs.utimesSync(path.join(tmp, 'cut-short.jpg.abc.tmp'), anHourAgo, anHourAgo);

    const starting = await openContext({ dataDir, database });
    const files = photoFiles(dataDir);
    expect(files.filter((file) => file.includes(underWay))).toHaveLength(2);
    expect(files.some((file) => file.includes(leftOver))).toBe(false);
    expect(files.filter((file) => file.startsWith('tmp'))).toEqual([path.join('tmp', 'being-written.jpg.abc.tmp')]);
    expect(starting.db.prepare('SELECT visitor_id FROM photo_intents').pluck().all()).toEqual([underWay]);
    starting.close();
    running.close();
  });
});
