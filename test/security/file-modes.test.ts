import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/server/context';
import { makeImage } from '../helpers/images';
import { checkInForm, photoFiles, startTestServer, tempDataDir, type TestServer } from '../helpers/server';

const mode = (file: string): string => (fs.statSync(file).mode & 0o777).toString(8);

describe('file modes in a data folder that was open to everyone', () => {
  let server: TestServer;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = tempDataDir();
    // A folder and database left world-readable by hand or by an older version.
    fs.chmodSync(dataDir, 0o755);
    fs.writeFileSync(path.join(dataDir, DATABASE_FILE), '');
    fs.chmodSync(path.join(dataDir, DATABASE_FILE), 0o644);
    fs.mkdirSync(path.join(dataDir, 'photos', 'thumbs'), { recursive: true, mode: 0o755 });
    server = await startTestServer({ dataDir });
    const response = await server.api('/v1/add/', { method: 'POST', body: checkInForm(await makeImage('png')) });
    expect(response.status).toBe(200);
  });
  afterAll(() => server.stop());

  it('makes the folder, the database, its WAL and shared memory owner-only', () => {
    expect(mode(dataDir)).toBe('700');
    for (const name of [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`]) {
      expect([name, mode(path.join(dataDir, name))]).toEqual([name, '600']);
    }
  });

  it('makes every photo folder 0700 and every photo file 0600', () => {
    const root = path.join(dataDir, 'photos');
    const files = photoFiles(dataDir);
    expect(files).toHaveLength(2);
    for (const rel of files) expect([rel, mode(path.join(root, rel))]).toEqual([rel, '600']);
    const folders = (fs.readdirSync(root, { recursive: true }) as string[]).filter((rel) =>
      fs.statSync(path.join(root, rel)).isDirectory(),
    );
    for (const rel of ['', ...folders]) expect([rel, mode(path.join(root, rel))]).toEqual([rel, '700']);
  });
});
