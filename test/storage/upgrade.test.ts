import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openContext } from '../../src/server/context';
import { assertMonotonic, migrate } from '../../src/server/db/migrate';
import { MIGRATIONS } from '../../src/server/db/migrations';
import { startServer, type RunningServer } from '../../src/server/server';
import { photoFiles, signIn, tempDataDir } from '../helpers/server';
import { sqliteOf } from '../helpers/sqlite';

const FIXTURE = path.resolve(__dirname, '../fixtures/v1-data');

function snapshot(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return {
      version: db.pragma('user_version', { simple: true }) as number,
      // The columns of version 1: later versions add columns, never change these.
      visitors: db
        .prepare(
          `SELECT seq, visitor_id, card_no, name, mobile, purpose, visitee_no, entry_at, exit_at, created_by
             FROM visitors ORDER BY seq`,
        )
        .all(),
      photos: db.prepare('SELECT * FROM photos ORDER BY visitor_seq').all(),
      visitees: db.prepare('SELECT visitee_no, name, email FROM visitees ORDER BY visitee_no').all(),
      users: db.prepare('SELECT id, username, password_hash, created_at FROM users ORDER BY id').all(),
      integrity: db.pragma('integrity_check', { simple: true }) as string,
    };
  } finally {
    db.close();
  }
}

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('upgrading a data folder written at schema version 1', () => {
  let dataDir: string;
  let before: ReturnType<typeof snapshot>;
  let filesBefore: Record<string, string>;
  let server: RunningServer;

  beforeAll(async () => {
    dataDir = tempDataDir();
    fs.cpSync(FIXTURE, dataDir, { recursive: true });
    before = snapshot(path.join(dataDir, DATABASE_FILE));
    filesBefore = Object.fromEntries(
      photoFiles(dataDir).map((rel) => [rel, sha256(path.join(dataDir, 'photos', rel))]),
    );
    // Straight onto the folder, as a kiosk that installs the new release does: the upgrade
    // must delete nothing, though 8 of its visitors left more than 30 days ago.
    server = await startServer({ port: 0, dataDir });
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts from a real version-1 folder with visitors and photos', () => {
    expect(before.version).toBe(1);
    expect(before.visitors).toHaveLength(12);
    expect(Object.keys(filesBefore)).toHaveLength(24);
  });

  it('brings the schema to the current version with integrity intact', () => {
    const after = snapshot(path.join(dataDir, DATABASE_FILE));
    expect(after.version).toBe(MIGRATIONS.length);
    expect(after.integrity).toBe('ok');
  });

  it('keeps every row as it was', () => {
    const after = snapshot(path.join(dataDir, DATABASE_FILE));
    expect(after.visitors).toEqual(before.visitors);
    expect(after.photos).toEqual(before.photos);
    expect(after.visitees).toEqual(before.visitees);
    expect(after.users).toEqual(before.users);
  });

  it('keeps every photo file byte for byte, and serves them', async () => {
    const after = Object.fromEntries(
      photoFiles(dataDir).map((rel) => [rel, sha256(path.join(dataDir, 'photos', rel))]),
    );
    expect(after).toEqual(filesBefore);
    const login = await fetch(`${server.url}/v1/oauth/`, {
      method: 'POST',
      body: new URLSearchParams({ username: 'reception', password: 'a long password' }),
    });
    const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    const headers = { authorization: `Token ${token}` };
    const log = (await (await fetch(`${server.url}/v1/log/?limit=200`, { headers })).json()) as {
      data: { visitor_id: string; has_photo: boolean }[];
    };
    expect(log.data).toHaveLength(12);
    for (const visitor of log.data) {
      expect(visitor.has_photo).toBe(true);
      const thumb = await fetch(`${server.url}/v1/photo/thumb/${visitor.visitor_id}`, { headers });
      expect(thumb.status).toBe(200);
      const bytes = Buffer.from(await thumb.arrayBuffer());
      expect(
        filesBefore[
          path.join(
            'thumbs',
            visitor.visitor_id.slice(0, 2),
            visitor.visitor_id.slice(2, 4),
            `${visitor.visitor_id}.jpg`,
          )
        ],
      ).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('records that every visit which had ended ended at a desk, and keeps every host active', () => {
    const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
    const kinds = db
      .prepare('SELECT exit_at IS NULL AS on_site, exit_kind, count(*) AS n FROM visitors GROUP BY 1, 2 ORDER BY 1')
      .all() as { on_site: number; exit_kind: string | null; n: number }[];
    expect(kinds.map(({ on_site, exit_kind }) => [on_site, exit_kind])).toEqual([
      [0, 'desk'],
      [1, null],
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM visitees WHERE active = 0').get()).toEqual({ n: 0 });
    // entry_max is the running maximum of entry times along seq (History by date reads it).
    const wrong = db
      .prepare(
        `SELECT count(*) AS n FROM visitors v
          WHERE v.entry_max != (SELECT max(entry_at) FROM visitors w WHERE w.seq <= v.seq)`,
      )
      .get();
    expect(wrong).toEqual({ n: 0 });
    db.close();
  });

  it('makes the account that set the desk up its admin', () => {
    const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
    expect(db.prepare('SELECT username, role, active FROM users').all()).toEqual([
      { username: 'reception', role: 'admin', active: 1 },
    ]);
    db.close();
  });

  it('keeps every photo until an admin chooses a retention, asking each admin at sign-in', async () => {
    const token = await signIn(server.url, 'reception', 'a long password');
    const me = (await (
      await fetch(`${server.url}/v1/me`, { headers: { authorization: `Token ${token}` } })
    ).json()) as {
      data: { retention_choice_pending: boolean };
    };
    expect(me.data.retention_choice_pending).toBe(true);
    const settings = (await (
      await fetch(`${server.url}/v1/admin/settings`, { headers: { authorization: `Token ${token}` } })
    ).json()) as { data: { photo_retention_days: number | null } };
    expect(settings.data.photo_retention_days).toBeNull();
    // A restart (retention runs at every start) still deletes nothing.
    await server.close();
    server = await startServer({ port: 0, dataDir });
    expect(photoFiles(dataDir)).toHaveLength(24);
  });

  it('deletes only once an admin chose, with who chose what on the trail', async () => {
    const token = await signIn(server.url, 'reception', 'a long password');
    const headers = { authorization: `Token ${token}`, 'content-type': 'application/json' };
    const chosen = await fetch(`${server.url}/v1/admin/settings`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ photo_retention_days: 30 }),
    });
    expect(chosen.status).toBe(200);
    const me = (await (await fetch(`${server.url}/v1/me`, { headers })).json()) as {
      data: { retention_choice_pending: boolean };
    };
    expect(me.data.retention_choice_pending).toBe(false);
    const audit = (await (await fetch(`${server.url}/v1/admin/audit/?action=settings.update`, { headers })).json()) as {
      data: { actor: string; username: string; detail: string }[];
    };
    expect(audit.data).toMatchObject([
      { actor: 'account', username: 'reception', detail: 'photo retention: not chosen since the upgrade → 30 days' },
    ]);
    // The choice applies at once: the photos of the 8 visitors who left more than 30 days ago go.
    await expect.poll(() => photoFiles(dataDir).length).toBe(24 - 8 * 2);
  });

  it('leaves a copy of the version-1 database beside it that opens and is whole', () => {
    const backups = fs.readdirSync(dataDir).filter((name) => /^frontdesk\.v1-\d+\.bak\.db$/.test(name));
    expect(backups).toHaveLength(1);
    const backup = snapshot(path.join(dataDir, backups[0]!));
    expect(backup.version).toBe(1);
    expect(backup.integrity).toBe('ok');
    expect(backup.visitors).toEqual(before.visitors);
    expect((fs.statSync(path.join(dataDir, backups[0]!)).mode & 0o777).toString(8)).toBe('600');
  });
});

describe('the retention choice of a folder from before retention', () => {
  const folders: string[] = [];
  afterAll(() => folders.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  const v1Copy = (): string => {
    const dir = tempDataDir();
    folders.push(dir);
    fs.cpSync(FIXTURE, dir, { recursive: true });
    return dir;
  };

  it('survives an upgrade that failed partway and was started again', async () => {
    const dataDir = v1Copy();
    const db = new Database(path.join(dataDir, DATABASE_FILE));
    const failing = {
      version: 5,
      name: 'power cut',
      up: () => {
        throw new Error('the power went');
      },
    };
    expect(() =>
      migrate(db, () => path.join(dataDir, 'first-try.bak.db'), [...MIGRATIONS.slice(0, 4), failing]),
    ).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
    const ctx = await openContext({ dataDir });
    expect(ctx.settings.retentionChoicePending()).toBe(true);
    expect(await ctx.applyRetention()).toEqual({ photos: 0, visits: 0 });
    ctx.close();
  });

  it('waits for a choice even where schema 3 stored a photo retention (its form sent every setting)', async () => {
    const dataDir = v1Copy();
    const db = new Database(path.join(dataDir, DATABASE_FILE));
    migrate(db, () => path.join(dataDir, 'to-v3.bak.db'), MIGRATIONS.slice(0, 3));
    db.prepare(
      "INSERT INTO settings (key, value) VALUES ('photo_retention_days', '30'), ('badge_size', '\"a6\"')",
    ).run();
    db.close();
    const ctx = await openContext({ dataDir });
    expect(ctx.settings.retentionChoicePending()).toBe(true);
    expect(ctx.settings.read()).toMatchObject({ photo_retention_days: null, badge_size: 'a6' });
    expect(await ctx.applyRetention()).toEqual({ photos: 0, visits: 0 });
    // A client that sends every setting with a save chooses nothing by it, and only what changed is audited.
    ctx.settings.update({ ...ctx.settings.read(), badge_size: '54x101' }, 1);
    expect(ctx.settings.retentionChoicePending()).toBe(true);
    // Sent alone, "until erased" (null, as stored) is a choice.
    ctx.settings.update({ photo_retention_days: null }, 1);
    expect(ctx.settings.retentionChoicePending()).toBe(false);
    const details = ctx.db
      .prepare("SELECT detail FROM audit_log WHERE action = 'settings.update' ORDER BY audit_id")
      .pluck()
      .all();
    expect(details).toEqual([
      'badge size: a6 → 54x101',
      'photo retention: not chosen since the upgrade → until erased',
    ]);
    ctx.close();
  });

  it('never asks a new site', async () => {
    const dataDir = tempDataDir();
    folders.push(dataDir);
    const ctx = await openContext({ dataDir });
    expect(ctx.settings.retentionChoicePending()).toBe(false);
    expect(ctx.settings.read().photo_retention_days).toBe(30);
    ctx.close();
  });
});

describe('the migration list', () => {
  it('numbers its steps 1, 2, 3… with no gap or repeat', () => {
    expect(() => assertMonotonic(MIGRATIONS)).not.toThrow();
    const skipping = [MIGRATIONS[0]!, { ...MIGRATIONS[0]!, version: 3, name: 'skips-two' }];
    expect(() => assertMonotonic(skipping)).toThrow(/expected 2/);
  });

  it('applies a failing step not at all: the version and the schema stay as they were', () => {
    const dir = tempDataDir();
    const db = new Database(path.join(dir, 'x.db'));
    const failing = {
      version: 2,
      name: 'fails',
      up: (raw: Database.Database) => {
        raw.exec('CREATE TABLE half_done (x)');
        throw new Error('step failed');
      },
    };
    migrate(db, () => path.join(dir, 'backup.db'), [MIGRATIONS[0]!]);
    expect(() => migrate(db, () => path.join(dir, 'backup2.db'), [MIGRATIONS[0]!, failing])).toThrow('step failed');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half_done'").get()).toEqual({ n: 0 });
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('upgrading a desk of a site to rolls that travel (schema 10)', () => {
  it('moves the rolls it numbered below its own range into it, and records them and their marks as changes', async () => {
    const dataDir = tempDataDir();
    const db = new Database(path.join(dataDir, DATABASE_FILE));
    migrate(db, () => path.join(dataDir, 'to-v9.bak.db'), MIGRATIONS.slice(0, 9));
    const base = 7 * 2 ** 32;
    db.exec(`
      UPDATE this_desk SET id_base = ${base};
      INSERT INTO site (one, site_id, name) VALUES (1, 'site', 'Campus');
      INSERT INTO change_log (origin, seq, kind, key) SELECT desk_id, 1, 'setting', 'badge_size' FROM this_desk;
      INSERT INTO visitors (visitor_id, card_no, name, mobile, purpose, entry_at)
        VALUES ('AAAAAAAAAAAAAAAAAAAAAA', 1, 'Ada', '', '', 1);
      INSERT INTO evacuations (kind, started_at) VALUES ('drill', 10);
      INSERT INTO evacuation_people (evacuation_id, visitor_id, accounted_at) VALUES (1, 'AAAAAAAAAAAAAAAAAAAAAA', 11);
    `);
    db.close();
    const ctx = await openContext({ dataDir });
    try {
      expect(ctx.db.prepare('SELECT evacuation_id, started_at FROM evacuations').all()).toEqual([
        { evacuation_id: base + 1, started_at: 10 },
      ]);
      expect(ctx.db.prepare('SELECT evacuation_id, accounted_at FROM evacuation_people').all()).toEqual([
        { evacuation_id: base + 1, accounted_at: 11 },
      ]);
      expect(ctx.db.prepare('SELECT seq, kind, key FROM change_log ORDER BY seq').all()).toEqual([
        { seq: 1, kind: 'setting', key: 'badge_size' },
        { seq: 2, kind: 'roll', key: String(base + 1) },
        { seq: 3, kind: 'mark', key: `${base + 1}/AAAAAAAAAAAAAAAAAAAAAA` },
      ]);
      expect(sqliteOf(ctx.db).pragma('foreign_key_check')).toEqual([]);
    } finally {
      ctx.close();
    }
  });
});
