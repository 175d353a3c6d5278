import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Visitor } from '../../src/shared/api-types';
import type { AuditEntry, ErasureResult } from '../../src/shared/audit';
import { sqlInAnotherProcess } from '../helpers/another-process';
import { makeImage } from '../helpers/images';
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

/** Every file under the data folder, recursively: database, WAL, backups, photos. */
function allFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((rel) => path.join(dir, rel))
    .filter((file) => fs.statSync(file).isFile());
}

/** The files in which any of the needles occurs, byte for byte. */
function filesContaining(dir: string, needles: string[]): string[] {
  const found: string[] = [];
  for (const file of allFiles(dir)) {
    const bytes = fs.readFileSync(file);
    if (needles.some((needle) => bytes.includes(Buffer.from(needle, 'utf8')))) found.push(path.relative(dir, file));
  }
  return found;
}

async function audit(server: TestServer, query = ''): Promise<AuditEntry[]> {
  return ((await (await server.api(`/v1/admin/audit/?limit=200${query}`)).json()) as { data: AuditEntry[] }).data;
}

describe('erasure', () => {
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
        jsonRequest('POST', { reason: 'Asked to be forgotten (GDPR art. 17)' }),
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
    const response = await server.api(`/v1/admin/visitors/${visitorId}/erase`, jsonRequest('POST', { reason: 'x' }));
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
      jsonRequest('POST', { reason: 'Twice' }),
    );
    expect(((await again.json()) as { data: ErasureResult }).data).toMatchObject({
      files_removed: 0,
      fields_cleared: [],
    });
    const unknown = await server.api(
      '/v1/admin/visitors/AAAAAAAAAAAAAAAAAAAAAA/erase',
      jsonRequest('POST', { reason: 'x' }),
    );
    expect(await errorCode(unknown)).toBe('3404');
    const someone = (await (await server.api('/v1/log/?limit=50')).json()) as { data: Visitor[] };
    const target = someone.data.find((v) => !v.erased)!;
    const reception = await server.api(
      `/v1/admin/visitors/${target.visitor_id}/erase`,
      jsonRequest('POST', { reason: 'x' }, receptionToken),
    );
    expect(await errorCode(reception)).toBe('1300');
    const noReason = await server.api(`/v1/admin/visitors/${target.visitor_id}/erase`, jsonRequest('POST', {}));
    expect(((await noReason.json()) as { errors: { field: string } }).errors.field).toBe('reason');
    // The reason stays on the append-only trail: it may not carry the visitor's name or mobile.
    for (const reason of [`Requested by ${target.name.split(' ')[1]!.toUpperCase()}`, `call ${target.mobile}`]) {
      const refused = await server.api(
        `/v1/admin/visitors/${target.visitor_id}/erase`,
        jsonRequest('POST', { reason }),
      );
      expect(((await refused.json()) as { errors: { field: string } }).errors.field, reason).toBe('reason');
    }
    expect((await visitorNamed(target.name)).erased).toBe(false);
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
    await server.api(`/v1/admin/visitors/${visitorId}/erase`, jsonRequest('POST', { reason: 'Test of the trail' }));

    // Views are committed in batches within AUDIT_BATCH_MS.
    await expect.poll(async () => (await audit(server, '&action=photo.view')).length).toBe(1);
    // Failed sign-ins are batched like views, so the order is compared apart from them.
    const entries = (await audit(server)).map((e) => [e.action, e.username, e.visitor_id]).sort();
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
    expect((await audit(server, '&username=auditee&action=signin')).length).toBe(1);
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
    for (const sql of [
      'UPDATE audit_log SET detail = 1',
      'DELETE FROM audit_log',
      "INSERT INTO audit_log (audit_id, time, username, action, detail, hash) VALUES (0, 1, 'x', 'signin', '', x'00')",
      "INSERT OR REPLACE INTO audit_log (audit_id, time, username, action, detail, hash) VALUES (2, 1, 'x', 'signin', '', x'00')",
      "INSERT INTO audit_log (time, username, action, detail, hash) VALUES (1, 'x', 'signin', '', x'00')",
    ]) {
      expect(() => sqlInAnotherProcess(server.dataDir, sql), sql).toThrow();
    }
  });

  it('records no view for a HEAD, and counts failed sign-ins for unknown names instead of writing each', async () => {
    const before = (await audit(server)).length;
    const other = (await (await server.api('/v1/log/?limit=1')).json()) as { data: { visitor_id: string }[] };
    await server.api(`/v1/photo/${other.data[0]!.visitor_id}`, { method: 'HEAD' });
    for (let i = 0; i < 20; i++) {
      await fetch(`${server.url}/v1/oauth/`, {
        method: 'POST',
        body: new URLSearchParams({ username: `nobody${i}`, password: 'whatever it is' }),
      });
    }
    expect((await audit(server)).length).toBe(before);
  });

  it('is verified whole by cli audit verify, and a row edited in the file is found', () => {
    const cli = (args: string[]) =>
      spawnSync(process.execPath, [...CLI, ...args], {
        encoding: 'utf8',
        env: { ...process.env, FRONTDESK_LOG: 'silent' },
      });
    const whole = cli(['audit', 'verify', '--data-dir', server.dataDir]);
    expect(whole.status).toBe(0);
    expect(whole.stdout).toMatch(/The audit trail is whole: \d+ entries/);
    expect(whole.stdout).toMatch(/Newest hash: [0-9a-f]{64}/);
    // Someone with the file drops the trigger and rewrites an entry.
    sqlInAnotherProcess(
      server.dataDir,
      `DROP TRIGGER audit_log_no_update;
       UPDATE audit_log SET username = 'nobody' WHERE audit_id = 3;`,
    );
    const edited = cli(['audit', 'verify', '--data-dir', server.dataDir]);
    expect(edited.status).toBe(3);
    expect(edited.stderr).toContain('broken at entry 3');
  });

  it('finds entries removed from the middle and from the end', () => {
    const dataDir = server.dataDir;
    const cli = (args: string[]) =>
      spawnSync(process.execPath, [...CLI, ...args], {
        encoding: 'utf8',
        env: { ...process.env, FRONTDESK_LOG: 'silent' },
      });
    sqlInAnotherProcess(dataDir, `DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE audit_id = 2;`);
    expect(cli(['audit', 'verify', '--data-dir', dataDir]).stderr).toContain(
      'broken at entry 3: entries 2–2 are missing',
    );
    const copy = tempDataDir();
    fs.cpSync(dataDir, copy, { recursive: true });
    sqlInAnotherProcess(copy, 'DELETE FROM audit_log WHERE audit_id >= 2');
    expect(cli(['audit', 'verify', '--data-dir', copy]).stderr).toMatch(/were removed from the end/);
    fs.rmSync(copy, { recursive: true, force: true });
  });
});
