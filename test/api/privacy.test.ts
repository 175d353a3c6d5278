import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Visitor } from '../../src/shared/api-types';
import type { AuditRow } from '../../src/server/db/repositories/audit-log';
import { chainHash, GENESIS } from '../../src/server/services/audit';
import type { AuditEntry, ErasureResult } from '../../src/shared/audit';
import { sqlInAnotherProcess } from '../helpers/another-process';
import { allFiles, filesContaining } from '../helpers/data-folder';
import { makeImage } from '../helpers/images';
import { describeOnCompanyServer, describeOnDesk, storedCopiesContaining } from '../helpers/store';
import {
  checkInForm,
  errorCode,
  jsonRequest,
  signIn,
  STAFF,
  startTestServer,
  tempDataDir,
  type TestServer,
} from '../helpers/server';

const FIXTURE = path.resolve(__dirname, '../fixtures/v1-data');
const CLI = ['--import', 'tsx', path.resolve(__dirname, '../../src/cli/index.ts')];

async function audit(server: TestServer, query = ''): Promise<AuditEntry[]> {
  return ((await (await server.api(`/v1/admin/audit/?limit=200${query}`)).json()) as { data: AuditEntry[] }).data;
}

describeOnDesk('erasure', 'from a version-1 data folder, looked for in its files, WAL and backups', () => {
  let server: TestServer;
  let receptionToken: string;
  beforeAll(async () => {
    // A folder written by version 1: the upgrade leaves a backup with every visitor in it.
    const dataDir = tempDataDir();
    fs.cpSync(FIXTURE, dataDir, { recursive: true });
    server = await startTestServer({ dataDir, staff: { username: 'reception', password: 'a long password' } });
    await server.api('/v1/admin/users', jsonRequest('POST', { username: 'desk2', password: 'a reception password' }));
    receptionToken = await signIn(server.url, 'desk2', 'a reception password');
  });
  afterAll(() => server.stop());

  const visitorNamed = async (name: string): Promise<Visitor> => {
    const log = (await (await server.api('/v1/log/?limit=200')).json()) as { data: Visitor[] };
    return log.data.find((v) => v.name === name)!;
  };

  it('leaves nothing of the old name and mobile anywhere in the data folder, backups and search index included', async () => {
    // A check-in of today, and a visitor of the version-1 folder whose row is also in the migration backup.
    const photo = await makeImage('jpeg', 320, 240);
    const added = await server.api('/v1/add/', {
      method: 'POST',
      body: checkInForm(photo, {
        cardno: '4321',
        name: 'Quintessa Marchbanks',
        mobile: '+447911123456',
        purpose: 'Confidential audit',
      }),
    });
    expect(added.status, await added.clone().text()).toBe(200);
    const fresh = ((await added.json()) as { visitor_id: string }).visitor_id;
    const old = await visitorNamed('Olga Schmidt');
    const oldMobile = old.mobile.replace('+', '');
    // The search index keeps words lower-cased, the mobile as digits: those are searched for too.
    const needles = ['Quintessa Marchbanks', 'quintessa', 'marchbanks', '447911123456', 'Olga Schmidt', oldMobile];
    // The test can see them: before the erasures they are there, in the database and the backup.
    expect(filesContaining(server.dataDir, needles).length).toBeGreaterThan(0);
    expect(filesContaining(server.dataDir, ['Olga Schmidt']).some((f) => f.endsWith('.bak.db'))).toBe(true);

    for (const visitorId of [fresh, old.visitor_id]) {
      const response = await server.api(
        `/v1/admin/visitors/${visitorId}/erase`,
        jsonRequest('POST', { reason: 'request' }),
      );
      expect(response.status).toBe(200);
      const result = ((await response.json()) as { data: ErasureResult }).data;
      expect(result).toMatchObject({ files_removed: 2, fields_cleared: ['name', 'mobile', 'purpose', 'photo'] });
    }
    expect(filesContaining(server.dataDir, needles)).toEqual([]);
    // Nor in the photo files: gone.
    expect(allFiles(path.join(server.dataDir, 'photos')).filter((f) => f.includes(fresh))).toEqual([]);
  });

  it('empties the WAL once another process that was reading lets go', async () => {
    const photo = await makeImage('jpeg', 200, 150);
    const added = await server.api('/v1/add/', {
      method: 'POST',
      body: checkInForm(photo, { cardno: '4322', name: 'Zebulon Readlocked', mobile: '+447911654321' }),
    });
    const visitorId = ((await added.json()) as { visitor_id: string }).visitor_id;
    // A second desk holds a read transaction open: the checkpoint cannot empty the WAL under it.
    const reader = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(process.argv[1]);
         db.prepare('BEGIN').run(); db.prepare('SELECT count(*) FROM visitors').get();
         console.log('reading'); process.stdin.once('data', () => { db.prepare('COMMIT').run(); db.close(); });`,
        path.join(server.dataDir, 'frontdesk.db'),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    await new Promise((resolve) => reader.stdout.once('data', resolve));
    const response = await server.api(
      `/v1/admin/visitors/${visitorId}/erase`,
      jsonRequest('POST', { reason: 'error' }),
    );
    expect(response.status).toBe(200);
    expect(filesContaining(server.dataDir, ['readlocked']).length).toBeGreaterThan(0); // kept by the reader, for now
    reader.stdin.end('done\n');
    await new Promise((resolve) => reader.once('exit', resolve));
    // Retried every second until the reader is gone.
    await expect
      .poll(() => filesContaining(server.dataDir, ['Zebulon Readlocked', 'readlocked', '447911654321']), {
        timeout: 15_000,
        interval: 250,
      })
      .toEqual([]);
  });

  it('shows the visitor erased: card, host and times kept, photos 4515, search finds them no more', async () => {
    const erased = await visitorNamed('Erased visitor');
    expect(erased).toMatchObject({ erased: true, mobile: '', purpose: '', has_photo: false, thumbhash: null });
    expect(erased.card_no).toBeGreaterThan(0);
    expect(await errorCode(await server.api(`/v1/photo/${erased.visitor_id}`))).toBe('4515');
    expect(await errorCode(await server.api(`/v1/photo/thumb/${erased.visitor_id}`))).toBe('4515');
    for (const q of ['quintessa', 'marchbanks', '447911123456', 'confidential']) {
      const found = (await (await server.api(`/v1/log/?q=${q}`)).json()) as { data: unknown[] };
      expect(found.data, q).toEqual([]);
    }
  });

  it('is harmless a second time, and refuses unknown IDs (3404), reception (1300) and a missing reason (2400)', async () => {
    const erased = await visitorNamed('Erased visitor');
    const again = await server.api(
      `/v1/admin/visitors/${erased.visitor_id}/erase`,
      jsonRequest('POST', { reason: 'request' }),
    );
    expect(((await again.json()) as { data: ErasureResult }).data).toMatchObject({
      files_removed: 0,
      fields_cleared: [],
    });
    const unknown = await server.api(
      '/v1/admin/visitors/AAAAAAAAAAAAAAAAAAAAAA/erase',
      jsonRequest('POST', { reason: 'error' }),
    );
    expect(await errorCode(unknown)).toBe('3404');
    const someone = (await (await server.api('/v1/log/?limit=50')).json()) as { data: Visitor[] };
    const target = someone.data.find((v) => !v.erased)!;
    const reception = await server.api(
      `/v1/admin/visitors/${target.visitor_id}/erase`,
      jsonRequest('POST', { reason: 'error' }, receptionToken),
    );
    expect(await errorCode(reception)).toBe('1300');
    const noReason = await server.api(`/v1/admin/visitors/${target.visitor_id}/erase`, jsonRequest('POST', {}));
    expect(((await noReason.json()) as { errors: { field: string } }).errors.field).toBe('reason');
    // The reason stays on the append-only trail: it is chosen from a list, so no free text
    // (which could hold the name, in any script, in any form) is ever kept.
    for (const reason of [`${target.name} asked to be forgotten`, '李娜要求删除', 'Request', ' request', 7]) {
      const refused = await server.api(
        `/v1/admin/visitors/${target.visitor_id}/erase`,
        jsonRequest('POST', { reason }),
      );
      expect(refused.status, String(reason)).toBe(400);
      const { errors } = (await refused.json()) as { errors: { field: string; message: string } };
      expect(errors.field, String(reason)).toBe('reason');
      expect(errors.message).toContain('request, error, policy, other');
    }
    expect((await visitorNamed(target.name)).erased).toBe(false);
  });
});

describeOnCompanyServer('erasure on a company server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('leaves nothing of the name, mobile or purpose in a dump of the database, nor the photos in the folder', async () => {
    const added = await server.api('/v1/add/', {
      method: 'POST',
      body: checkInForm(await makeImage('jpeg', 320, 240), {
        cardno: '4321',
        name: 'Quintessa Marchbanks',
        mobile: '+447911123456',
        purpose: 'Confidential audit',
      }),
    });
    expect(added.status, await added.clone().text()).toBe(200);
    const { visitor_id } = (await added.json()) as { visitor_id: string };
    // The search index keeps words lower-cased, the mobile as digits: those are looked for too.
    const needles = ['Quintessa Marchbanks', 'quintessa', 'marchbanks', '447911123456', 'Confidential audit'];
    expect(storedCopiesContaining(server, needles)).toContain('pg_dump');
    const response = await server.api(
      `/v1/admin/visitors/${visitor_id}/erase`,
      jsonRequest('POST', { reason: 'request' }),
    );
    expect(((await response.json()) as { data: ErasureResult }).data).toMatchObject({
      files_removed: 2,
      fields_cleared: ['name', 'mobile', 'purpose', 'photo'],
    });
    expect(storedCopiesContaining(server, needles)).toEqual([]);
    // Nor in the database's own files once written out: its tables and its search index.
    sqlInAnotherProcess(server, 'CHECKPOINT');
    const oid = server.context.db
      .prepare<[], number>('SELECT oid FROM pg_database WHERE datname = current_database()')
      .pluck()
      .get()!;
    expect(filesContaining(path.join(process.env.FRONTDESK_TEST_PGDATA!, 'base', String(oid)), needles)).toEqual([]);
    expect(allFiles(path.join(server.dataDir, 'photos')).filter((f) => f.includes(visitor_id))).toEqual([]);
    const found = (await (await server.api('/v1/log/?q=quintessa')).json()) as { data: unknown[] };
    expect(found.data).toEqual([]);
  });
});

describe('the audit trail', () => {
  let server: TestServer;
  let visitorId: string;
  beforeAll(async () => {
    server = await startTestServer();
    const added = await server.api('/v1/add/', { method: 'POST', body: checkInForm(await makeImage('jpeg', 120, 90)) });
    visitorId = ((await added.json()) as { visitor_id: string }).visitor_id;
  });
  afterAll(() => server.stop());

  it('records every audited action exactly once, with the account that did it', async () => {
    const created = await server.api(
      '/v1/admin/users',
      jsonRequest('POST', { username: 'auditee', password: 'an auditee password' }),
    );
    const auditeeId = ((await created.json()) as { data: { user_id: number } }).data.user_id;
    const auditee = await signIn(server.url, 'auditee', 'an auditee password');
    await fetch(`${server.url}/v1/oauth/`, {
      method: 'POST',
      body: new URLSearchParams({ username: 'auditee', password: 'not the password' }),
    });
    await server.api(`/v1/admin/users/${auditeeId}`, jsonRequest('PATCH', { role: 'reception' }));
    await server.api('/v1/admin/settings', jsonRequest('PATCH', { badge_size: 'a6' }));
    expect((await server.api(`/v1/photo/${visitorId}`, { auth: auditee })).status).toBe(200);
    expect((await server.api(`/v1/photo/thumb/${visitorId}`, { auth: auditee })).status).toBe(200);
    expect((await server.api(`/v1/badges/${visitorId}`, { method: 'POST', auth: auditee })).status).toBe(200);
    await (await server.api('/v1/log/export.csv', { auth: auditee })).text();
    await server.api(`/v1/admin/visitors/${visitorId}/erase`, jsonRequest('POST', { reason: 'policy' }));

    // Views are committed in batches within AUDIT_BATCH_MS.
    await expect.poll(async () => (await audit(server, '&action=photo.view')).length).toBe(1);
    // Failed sign-ins are counted a minute at a time, so the order is compared apart from them.
    const all = await audit(server);
    expect(all.every((e) => e.actor === 'account' && typeof e.user_id === 'number')).toBe(true);
    const entries = all.map((e) => [e.action, e.username, e.visitor_id]).sort();
    expect(entries).toEqual(
      [
        ['signin', STAFF.username, null],
        ['user.create', STAFF.username, null],
        ['signin', 'auditee', null],
        ['signin.failed', 'auditee', null],
        ['user.update', STAFF.username, null],
        ['settings.update', STAFF.username, null],
        ['badge.print', 'auditee', visitorId],
        ['log.export', 'auditee', null],
        ['visitor.erase', STAFF.username, visitorId],
        ['photo.view', 'auditee', visitorId],
      ].sort(),
    );
    const immediate = (await audit(server))
      .filter((e) => e.action !== 'photo.view' && e.action !== 'signin.failed')
      .reverse()
      .map((e) => e.action);
    expect(immediate).toEqual([
      'signin',
      'user.create',
      'signin',
      'user.update',
      'settings.update',
      'badge.print',
      'log.export',
      'visitor.erase',
    ]);
  });

  it('filters by visitor, action and account, newest first, a page at a time', async () => {
    expect((await audit(server, `&visitor_id=${visitorId}`)).map((e) => e.action)).toEqual([
      'photo.view',
      'visitor.erase',
      'badge.print',
    ]);
    const staff = (await (await server.api('/v1/admin/users')).json()) as {
      data: { user_id: number; username: string }[];
    };
    const auditee = staff.data.find((account) => account.username === 'auditee')!;
    expect((await audit(server, `&account=${auditee.user_id}&action=signin`)).length).toBe(1);
    expect(await errorCode(await server.api('/v1/admin/audit/?account=auditee'))).toBe('2400');
    const first = (await (await server.api('/v1/admin/audit/?limit=3')).json()) as {
      data: AuditEntry[];
      next_cursor: string;
    };
    const next = (await (await server.api(`/v1/admin/audit/?limit=3&cursor=${first.next_cursor}`)).json()) as {
      data: AuditEntry[];
    };
    expect(next.data[0]!.audit_id).toBe(first.data[2]!.audit_id - 1);
    expect(await errorCode(await server.api('/v1/admin/audit/?action=coffee'))).toBe('2400');
  });

  it('holds no visitor’s personal data', async () => {
    const text = JSON.stringify(await audit(server));
    expect(text).not.toContain('Ada Lovelace');
    expect(text).not.toContain('447700900123');
  });

  it('refuses UPDATE, DELETE, entries slipped in before the newest, and INSERT OR REPLACE, from any process', () => {
    // In the SQL both engines take (a hash copied from an entry), so that each is refused by the trail's rule.
    const entry = (id: string): string =>
      `INSERT INTO audit_log (audit_id, time, username, action, detail, hash) SELECT ${id}, 1, 'x', 'signin', '', hash FROM audit_log LIMIT 1`;
    for (const sql of [
      "UPDATE audit_log SET detail = 'x'",
      'DELETE FROM audit_log',
      entry('0'),
      entry('2'),
      `${entry('2')} ON CONFLICT (audit_id) DO UPDATE SET detail = excluded.detail`,
      // SQLite's own way to replace a row (a syntax error elsewhere).
      ...(server.database
        ? []
        : [
            "INSERT OR REPLACE INTO audit_log (audit_id, time, username, action, detail, hash) VALUES (2, 1, 'x', 'signin', '', x'00')",
          ]),
      "INSERT INTO audit_log (time, username, action, detail, hash) SELECT 1, 'x', 'signin', '', hash FROM audit_log LIMIT 1",
    ]) {
      expect(() => sqlInAnotherProcess(server, sql), sql).toThrow();
    }
  });

  it('records no view for a HEAD, and counts failed sign-ins for unknown names in one system entry', async () => {
    const before = (await audit(server)).length;
    const other = (await (await server.api('/v1/log/?limit=1')).json()) as { data: { visitor_id: string }[] };
    await server.api(`/v1/photo/${other.data[0]!.visitor_id}`, { method: 'HEAD' });
    for (let i = 0; i < 20; i++) {
      await fetch(`${server.url}/v1/oauth/`, {
        method: 'POST',
        body: new URLSearchParams({ username: `nobody${i}`, password: 'whatever it is' }),
      });
    }
    const after = await audit(server);
    expect(after.length).toBe(before + 1);
    expect(after[0]).toMatchObject({
      action: 'signin.failed',
      actor: 'system',
      user_id: null,
      username: null,
      detail: '20 refused sign-ins for names no account has',
    });
  });

  describeOnDesk('cli audit verify', 'the command reads a data folder, and tampers with a copy of its file', () => {
    const cli = (args: string[]) =>
      spawnSync(process.execPath, [...CLI, ...args], {
        encoding: 'utf8',
        env: { ...process.env, FRONTDESK_LOG: 'silent' },
      });
    const verify = (dataDir: string, head?: string) =>
      cli(['audit', 'verify', '--data-dir', dataDir, ...(head ? ['--head', head] : [])]);
    const newestHash = (dataDir: string): string => /Newest hash: ([0-9a-f]{64})/.exec(verify(dataDir).stdout)![1]!;
    /** A copy of the folder, changed as someone holding the file could: in another connection, triggers and all. */
    const tampered = (change: (db: Database.Database) => void): string => {
      const copy = tempDataDir();
      fs.cpSync(server.dataDir, copy, { recursive: true });
      const db = new Database(path.join(copy, 'frontdesk.db'));
      change(db);
      db.close();
      return copy;
    };
    const withoutTriggers = (db: Database.Database, work: () => void): void => {
      const triggers = db
        .prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
        .all();
      db.exec(
        'DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_append_only;',
      );
      work();
      for (const trigger of triggers) db.exec(trigger.sql);
    };
    /** Every hash from `fromId` on computed again, as a forger who knows the scheme would. */
    const rehash = (db: Database.Database): void => {
      const rows = db.prepare('SELECT * FROM audit_log ORDER BY audit_id').all() as AuditRow[];
      let previous: Buffer = GENESIS;
      for (const row of rows) {
        const hash = chainHash(previous, row);
        db.prepare('UPDATE audit_log SET hash = ? WHERE audit_id = ?').run(hash, row.audit_id);
        previous = hash;
      }
    };

    it('finds the trail whole, and a head kept earlier still in it with what came after', async () => {
      const whole = verify(server.dataDir);
      expect(whole.status).toBe(0);
      expect(whole.stdout).toMatch(/The audit trail is whole: \d+ entries, its triggers in place, IDs without a gap/);
      const head = newestHash(server.dataDir);
      // In this process, not over HTTP: the verify above held the event loop (spawnSync), and
      // the pooled connection may have been closed meanwhile by the server's keep-alive timeout.
      server.context.settings.update({ badge_size: '54x101' }, 1);
      const later = verify(server.dataDir, head);
      expect(later.status).toBe(0);
      expect(later.stdout).toMatch(/The head kept earlier is entry \d+; 1 entry came after it\./);
    });

    it('finds an edited entry, a dropped trigger, and a rewritten one', () => {
      const edited = tampered((db) =>
        withoutTriggers(db, () => db.exec("UPDATE audit_log SET detail = 'nothing' WHERE audit_id = 3")),
      );
      expect(verify(edited).status).toBe(3);
      expect(verify(edited).stderr).toContain('entry 3 was changed');
      const dropped = tampered((db) => db.exec('DROP TRIGGER audit_log_no_delete'));
      expect(verify(dropped).stderr).toContain(
        'the trigger audit_log_no_delete that keeps the trail append-only is missing',
      );
      const rewritten = tampered((db) =>
        db.exec(`DROP TRIGGER audit_log_no_update;
                 CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT 1; END;`),
      );
      expect(verify(rewritten).stderr).toContain('the trigger audit_log_no_update was changed');
      // A trigger of someone else's that drops erasures' entries as they are written.
      const dropping = tampered((db) =>
        db.exec(`CREATE TRIGGER zz BEFORE INSERT ON AUDIT_LOG WHEN NEW.action = 'visitor.erase'
                 BEGIN SELECT RAISE(IGNORE); END`),
      );
      expect(verify(dropping).stderr).toContain('a trigger zz that Frontdesk never made is on the trail');
    });

    it('finds a middle entry removed and the chain re-hashed, by the gap in the IDs', () => {
      const copy = tampered((db) =>
        withoutTriggers(db, () => {
          db.exec('DELETE FROM audit_log WHERE audit_id = 2');
          rehash(db);
        }),
      );
      const check = verify(copy);
      expect(check.status).toBe(3);
      expect(check.stderr).toContain('entries 2–2 are missing before entry 3');
    });

    it('finds entries cut from the end: by the sequence, and by a head kept earlier when the sequence is set back', () => {
      const head = newestHash(server.dataDir);
      const cut = tampered((db) => withoutTriggers(db, () => db.exec('DELETE FROM audit_log WHERE audit_id >= 2')));
      expect(verify(cut).stderr).toMatch(/entries 2–\d+ were removed from the end/);
      const hidden = tampered((db) =>
        withoutTriggers(db, () => {
          const newest = (db.prepare('SELECT max(audit_id) AS id FROM audit_log').get() as { id: number }).id;
          db.exec(`DELETE FROM audit_log WHERE audit_id = ${newest};
                   UPDATE sqlite_sequence SET seq = ${newest - 1} WHERE name = 'audit_log';`);
        }),
      );
      // What the file alone cannot tell (PRIVACY.md says so), the head kept elsewhere does.
      expect(verify(hidden).status).toBe(0);
      const withHead = verify(hidden, head);
      expect(withHead.status).toBe(3);
      expect(withHead.stderr).toContain('The head kept earlier is not in the chain');
    });
  });

  describeOnCompanyServer('cli audit verify on a company server', () => {
    const verify = (head?: string) =>
      spawnSync(
        process.execPath,
        [
          ...CLI,
          'audit',
          'verify',
          '--database',
          server.database!,
          '--photos',
          server.dataDir,
          ...(head ? ['--head', head] : []),
        ],
        { encoding: 'utf8', env: { ...process.env, FRONTDESK_LOG: 'silent' } },
      );
    const valueOf = (text: string) => server.context.db.prepare(text).pluck().get() as string;
    /** Someone with the database's owner rights, in another connection: each change is undone after. */
    const sql = (text: string) => sqlInAnotherProcess(server, text);
    const unguarded = (work: string) =>
      sql(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only; ${work};
           ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);

    // Some fifteen runs of the command, each a process of its own: a minute or more on a busy machine.
    it('finds the trail whole, then each way it was tampered with', () => {
      const whole = verify();
      expect(whole.status).toBe(0);
      expect(whole.stdout).toMatch(/The audit trail is whole: \d+ entries, its triggers in place, IDs without a gap/);
      const head = /Newest hash: ([0-9a-f]{64})/.exec(whole.stdout)![1]!;

      sql('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      expect(verify().stderr).toContain('the trigger audit_log_append_only was changed');
      sql('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');

      const body = valueOf("SELECT prosrc FROM pg_proc WHERE proname = 'audit_log_append_only'");
      sql(
        'CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$',
      );
      expect(verify().stderr).toContain('the trigger audit_log_append_only was changed');
      sql(`CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$${body}$$`);

      // Still there and the same, but never firing in a normal session, or finding someone
      // else's operators through a search_path of its own.
      sql('ALTER TABLE audit_log ENABLE REPLICA TRIGGER audit_log_append_only');
      expect(verify().stderr).toContain('the trigger audit_log_append_only was changed');
      sql('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
      sql('ALTER FUNCTION audit_log_append_only() SET search_path = pg_catalog, public');
      expect(verify().stderr).toContain('the trigger audit_log_append_only was changed');
      sql('ALTER FUNCTION audit_log_append_only() RESET ALL');
      // Entries sent past the triggers into a table of someone else's, and triggers switched
      // off for every session.
      sql(`CREATE TABLE beside () INHERITS (audit_log);
           CREATE RULE elsewhere AS ON INSERT TO audit_log DO INSTEAD INSERT INTO beside SELECT NEW.*`);
      const diverted = verify().stderr;
      expect(diverted).toContain('a rule elsewhere that Frontdesk never made is on the trail');
      expect(diverted).toContain('the table beside inherits from the trail');
      sql('DROP RULE elsewhere ON audit_log; DROP TABLE beside');
      const everySession = (setting: string) =>
        sql(`DO $$ BEGIN EXECUTE format('ALTER DATABASE %I ${setting}', current_database()); END $$`);
      everySession('SET session_replication_role = replica');
      expect(verify().stderr).toContain('triggers are switched off for this database');
      everySession('RESET session_replication_role');
      expect(verify(head).status).toBe(0);

      // A trigger of someone else's that drops erasures' entries as they are written.
      sql(`CREATE FUNCTION zz() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$;
           CREATE TRIGGER zz BEFORE INSERT ON audit_log FOR EACH ROW WHEN (NEW.action = 'visitor.erase') EXECUTE FUNCTION zz()`);
      expect(verify().stderr).toContain('a trigger zz that Frontdesk never made is on the trail');
      sql('DROP TRIGGER zz ON audit_log; DROP FUNCTION zz()');

      const detail = valueOf('SELECT detail FROM audit_log WHERE audit_id = 2');
      unguarded("UPDATE audit_log SET detail = 'nothing' WHERE audit_id = 2");
      expect(verify().stderr).toContain('entry 2 was changed');
      unguarded(`UPDATE audit_log SET detail = '${detail.replace(/'/g, "''")}' WHERE audit_id = 2`);
      expect(verify(head).status).toBe(0);

      // The newest entry cut off: by the highest ID given; with that set back too, by the head kept earlier.
      unguarded('DELETE FROM audit_log WHERE audit_id = (SELECT max(audit_id) FROM audit_log)');
      expect(verify().stderr).toMatch(/entries \d+–\d+ were removed from the end/);
      sql("UPDATE audit_high_water SET seq = (SELECT max(audit_id) FROM audit_log) WHERE name = 'audit_log'");
      expect(verify().status).toBe(0);
      const withHead = verify(head);
      expect(withHead.status).toBe(3);
      expect(withHead.stderr).toContain('The head kept earlier is not in the chain');
    }, 240_000);
  });
});

describe('the trail’s order and who each entry is by', () => {
  let clock = new Date(2026, 10, 20, 9, 0).getTime();
  let server: TestServer;
  let visitorId: string;
  beforeAll(async () => {
    server = await startTestServer({ now: () => clock });
    const added = await server.api('/v1/add/', { method: 'POST', body: checkInForm(await makeImage('jpeg', 120, 90)) });
    visitorId = ((await added.json()) as { visitor_id: string }).visitor_id;
  });
  afterAll(() => server.stop());

  it('gives IDs in the order of the times recorded, a batched view included', async () => {
    expect((await server.api(`/v1/photo/${visitorId}`)).status).toBe(200); // batched: written within 200 ms
    clock += 5_000;
    expect((await server.api(`/v1/badges/${visitorId}`, { method: 'POST' })).status).toBe(200);
    clock += 5_000;
    await server.api('/v1/admin/settings', jsonRequest('PATCH', { badge_size: 'a6' }));
    const entries = (await audit(server)).reverse();
    expect(entries.map((entry) => entry.action)).toContain('photo.view');
    const times = entries.map((entry) => entry.time);
    expect(times).toEqual([...times].sort());
  });

  it('tells the system from any account, even one named as the system once was', async () => {
    await server.api('/v1/admin/users', jsonRequest('POST', { username: 'desk', password: 'a desk password' }));
    await signIn(server.url, 'desk', 'a desk password');
    await fetch(`${server.url}/v1/oauth/`, {
      method: 'POST',
      body: new URLSearchParams({ username: 'nobody-at-all', password: 'some guess' }),
    });
    const entries = await audit(server);
    const signin = entries.find((entry) => entry.action === 'signin' && entry.username === 'desk')!;
    expect(signin).toMatchObject({ actor: 'account', user_id: expect.any(Number) as number });
    const system = entries.filter((entry) => entry.actor === 'system');
    expect(system.map((entry) => [entry.action, entry.user_id, entry.username])).toEqual([
      ['signin.failed', null, null],
    ]);
    expect((await audit(server, '&account=system')).map((entry) => entry.audit_id)).toEqual(
      system.map((entry) => entry.audit_id),
    );
    expect((await audit(server, `&account=${signin.user_id}`)).every((entry) => entry.username === 'desk')).toBe(true);
  });
});
