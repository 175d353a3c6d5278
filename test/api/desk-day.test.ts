import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Visitor } from '../../src/shared/api-types';
import type { ExpectedVisit } from '../../src/shared/expected';
import type { Settings } from '../../src/shared/settings';
import { sqlInAnotherProcess } from '../helpers/another-process';
import { makeImage } from '../helpers/images';
import { checkInForm, errorCode, jsonRequest, startTestServer, tempDataDir, type TestServer } from '../helpers/server';

/** A clock the tests move: local wall-clock times, as the desk sees them. */
function clock(start: Date) {
  let now = start.getTime();
  return {
    now: () => now,
    set: (date: Date) => {
      now = date.getTime();
    },
  };
}

const at = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min);

describe('settings', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  const settings = async (): Promise<Settings> =>
    ((await (await server.api('/v1/admin/settings')).json()) as { data: Settings }).data;

  it('starts from the documented defaults', async () => {
    expect(await settings()).toEqual({
      auto_signout_time: null,
      photo_retention_days: 30,
      visit_retention_days: null,
      badge_size: '62x100',
      smtp_url: null,
      smtp_from: null,
      webhook_url: null,
      notify_thumbnail: false,
    });
  });

  it('changes any of them, ignores fields it does not know, and keeps them across a restart', async () => {
    const patched = await server.api(
      '/v1/admin/settings',
      jsonRequest('PATCH', { auto_signout_time: '23:59', badge_size: 'a6', colour: 'blue' }),
    );
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { data: Settings }).data).toMatchObject({
      auto_signout_time: '23:59',
      badge_size: 'a6',
    });
    await server.close();
    server = await startTestServer({ dataDir: server.dataDir });
    expect(await settings()).toMatchObject({ auto_signout_time: '23:59', badge_size: 'a6', photo_retention_days: 30 });
    await server.api('/v1/admin/settings', jsonRequest('PATCH', { photo_retention_days: null }));
    expect((await settings()).photo_retention_days).toBeNull();
  });

  it('refuses a bad value with 2400 naming the setting, changing nothing', async () => {
    const before = await settings();
    for (const [body, field] of [
      [{ auto_signout_time: '24:00' }, 'auto_signout_time'],
      [{ auto_signout_time: '7:5' }, 'auto_signout_time'],
      [{ auto_signout_time: 1730 }, 'auto_signout_time'],
      [{ photo_retention_days: 0 }, 'photo_retention_days'],
      [{ photo_retention_days: 100000 }, 'photo_retention_days'],
      [{ photo_retention_days: 1.5 }, 'photo_retention_days'],
      [{ visit_retention_days: '30' }, 'visit_retention_days'],
      [{ badge_size: 'letter' }, 'badge_size'],
      // A good value beside a bad one is not applied either.
      [{ badge_size: '54x101', photo_retention_days: -3 }, 'photo_retention_days'],
    ] as const) {
      const response = await server.api('/v1/admin/settings', jsonRequest('PATCH', body));
      expect(response.status, JSON.stringify(body)).toBe(400);
      const { errors } = (await response.json()) as { errors: { code: string; field: string; message: string } };
      expect(errors.code).toBe('2400');
      expect(errors.field).toBe(field);
      expect(errors.message).toContain(field);
    }
    const notJson = await server.api('/v1/admin/settings', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: '{"badge_size":',
    });
    expect(await errorCode(notJson)).toBe('2400');
    expect(await settings()).toEqual(before);
  });

  it('reads a stored value it cannot use (edited by hand, or an inherited name) as the default', async () => {
    sqlInAnotherProcess(
      server,
      `INSERT INTO settings (key, value) VALUES ('toString', '1'), ('__proto__', '{"badge_size":"x"}')
         ON CONFLICT DO NOTHING;
       INSERT INTO settings (key, value) VALUES ('badge_size', 'not json')
         ON CONFLICT (key) DO UPDATE SET value = excluded.value;`,
    );
    const response = await server.api('/v1/admin/settings');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: Settings }).data.badge_size).toBe('62x100');
  });
});

describe('expected visitors', () => {
  const time = clock(at(2026, 11, 28, 8, 30));
  let server: TestServer;
  let photo: Buffer;
  let hostNo: number;
  beforeAll(async () => {
    server = await startTestServer({ now: time.now });
    photo = await makeImage('jpeg', 120, 90);
    hostNo = server.context.hosts.create({ name: 'Hedy Lamarr', department: 'Research' }).visitee_no;
  });
  afterAll(() => server.stop());

  const expect_ = async (body: object) => server.api('/v1/expected/', jsonRequest('POST', body));
  const today = async (query = ''): Promise<ExpectedVisit[]> =>
    ((await (await server.api(`/v1/expected/${query}`)).json()) as { data: ExpectedVisit[] }).data;

  it('adds an expected visit and lists it for its day (default: today) with its host', async () => {
    const created = await expect_({
      name: 'Ada Lovelace',
      expected_date: '2026-11-28',
      visitee_no: hostNo,
      purpose: 'Interview',
      mobile: '+447700900123',
      note: 'Needs a parking space',
    });
    expect(created.status).toBe(201);
    const visit = ((await created.json()) as { data: ExpectedVisit }).data;
    expect(visit).toMatchObject({
      name: 'Ada Lovelace',
      status: 'expected',
      visitee_name: 'Hedy Lamarr',
      visitor_id: null,
    });
    await expect_({ name: 'Tomorrow Person', expected_date: '2026-11-29' });
    expect((await today()).map((v) => v.name)).toEqual(['Ada Lovelace']);
    expect((await today('?date=2026-11-29')).map((v) => v.name)).toEqual(['Tomorrow Person']);
  });

  it('keeps the time a visitor is due, lists a day in that order, and lists a range of days', async () => {
    await expect_({ name: 'Late Laura', expected_date: '2026-11-30', expected_time: '15:00' });
    await expect_({ name: 'Whenever Will', expected_date: '2026-11-30' });
    await expect_({ name: 'Early Eve', expected_date: '2026-11-30', expected_time: '08:45' });
    const monday = await today('?date=2026-11-30');
    expect(monday.map((v) => [v.name, v.expected_time])).toEqual([
      ['Early Eve', '08:45'],
      ['Late Laura', '15:00'],
      ['Whenever Will', null],
    ]);
    const week = await today('?from=2026-11-28&to=2026-12-04');
    expect(week.map((v) => v.expected_date)).toEqual([
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
      '2026-11-30',
      '2026-11-30',
    ]);
    for (const query of ['?from=2026-11-28', '?from=2026-12-04&to=2026-11-28', '?from=2026-01-01&to=2026-12-31']) {
      expect(await errorCode(await server.api(`/v1/expected/${query}`)), query).toBe('2400');
    }
    // A day that does not exist is named as such, by its field.
    const impossible = await server.api('/v1/expected/?from=2026-02-30&to=2026-03-01');
    expect(((await impossible.json()) as { errors: { field: string } }).errors.field).toBe('from');
    for (const expected_time of ['24:00', '7:30', 'noon']) {
      const refused = await expect_({ name: 'X', expected_date: '2026-11-30', expected_time });
      expect(((await refused.json()) as { errors: { field: string } }).errors.field).toBe('expected_time');
    }
  });

  it('refuses bad fields with 2400 naming them, and an unknown host with 3404', async () => {
    for (const [body, field] of [
      [{ name: 'X', expected_date: '2026-02-30' }, 'expected_date'],
      [{ name: 'X', expected_date: '28/11/2026' }, 'expected_date'],
      [{ name: 'X' }, 'expected_date'],
      [{ expected_date: '2026-11-28' }, 'name'],
      [{ name: 'X', expected_date: '2026-11-28', mobile: 'call me' }, 'mobile'],
      [{ name: 'X', expected_date: '2026-11-28', visitee_no: 'Hedy' }, 'visitee_no'],
      [{ name: 'X', expected_date: '2026-11-28', note: 'n'.repeat(201) }, 'note'],
    ] as const) {
      const response = await expect_(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { errors: { field: string } }).errors.field).toBe(field);
    }
    expect(await errorCode(await expect_({ name: 'X', expected_date: '2026-11-28', visitee_no: 99999 }))).toBe('3404');
    expect(await errorCode(await server.api('/v1/expected/?date=2026-13-01'))).toBe('2400');
    expect((await today()).map((v) => v.name)).toEqual(['Ada Lovelace']);
  });

  it('checks in from an expected visit: it is marked arrived with the visitor; a second time is 2409', async () => {
    const [ada] = await today();
    const form = checkInForm(photo, { name: 'Ada Lovelace', expected_id: String(ada!.expected_id) });
    const first = await server.api('/v1/add/', { method: 'POST', body: form });
    expect(first.status).toBe(200);
    const visitorId = ((await first.json()) as { visitor_id: string }).visitor_id;
    expect((await today())[0]).toMatchObject({ status: 'arrived', visitor_id: visitorId });
    const again = await server.api('/v1/add/', {
      method: 'POST',
      body: checkInForm(photo, { expected_id: String(ada!.expected_id) }),
    });
    expect(again.status).toBe(409);
    expect(await errorCode(again)).toBe('2409');
  });

  it('refuses a check-in for an unknown expected visit (3404) or one for another day (2409), writing nothing', async () => {
    const before = (await (await server.api('/v1/log/')).json()) as { data: unknown[] };
    for (const id of ['424242', 'abc']) {
      const response = await server.api('/v1/add/', { method: 'POST', body: checkInForm(photo, { expected_id: id }) });
      expect(await errorCode(response)).toBe('3404');
    }
    const [tomorrow] = await today('?date=2026-11-29');
    const early = await server.api('/v1/add/', {
      method: 'POST',
      body: checkInForm(photo, { expected_id: String(tomorrow!.expected_id) }),
    });
    expect(await errorCode(early)).toBe('2409');
    const after = (await (await server.api('/v1/log/')).json()) as { data: unknown[] };
    expect(after.data).toHaveLength(before.data.length);
  });

  it('cancels an expected visit once; cancelling again or an arrived one is 2409', async () => {
    const [tomorrow] = await today('?date=2026-11-29');
    const cancelled = await server.api(`/v1/expected/${tomorrow!.expected_id}`, { method: 'DELETE' });
    expect(((await cancelled.json()) as { data: ExpectedVisit }).data.status).toBe('cancelled');
    expect(await errorCode(await server.api(`/v1/expected/${tomorrow!.expected_id}`, { method: 'DELETE' }))).toBe(
      '2409',
    );
    const [ada] = await today();
    expect(await errorCode(await server.api(`/v1/expected/${ada!.expected_id}`, { method: 'DELETE' }))).toBe('2409');
    expect(await errorCode(await server.api('/v1/expected/77777', { method: 'DELETE' }))).toBe('3404');
    // Cancelled visits stay listed for their day, as no-shows do.
    expect((await today('?date=2026-11-29')).map((v) => v.status)).toEqual(['cancelled']);
  });
});

describe('automatic sign-out', () => {
  const time = clock(at(2026, 11, 23, 9, 0)); // a Monday
  const dataDir = tempDataDir();
  let server: TestServer | undefined;
  let photo: Buffer;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const visitor = async (s: TestServer, id: string): Promise<Visitor> => {
    const log = (await (await s.api('/v1/log/?limit=200')).json()) as { data: Visitor[] };
    return log.data.find((v) => v.visitor_id === id)!;
  };
  const checkIn = async (s: TestServer, name: string): Promise<string> => {
    const response = await s.api('/v1/add/', { method: 'POST', body: checkInForm(photo, { name }) });
    return ((await response.json()) as { visitor_id: string }).visitor_id;
  };

  it('signs out at the set time those who entered before it, as "auto", leaving desk exits alone', async () => {
    photo = await makeImage('jpeg', 120, 90);
    server = await startTestServer({ dataDir, now: time.now, choresIntervalMs: 20 });
    await server.api('/v1/admin/settings', jsonRequest('PATCH', { auto_signout_time: '18:30' }));
    const stays = await checkIn(server, 'Forgot To Sign Out');
    const leaves = await checkIn(server, 'Signed Out Properly');
    await server.api(`/v1/exit/${leaves}`);
    time.set(at(2026, 11, 23, 18, 29));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await visitor(server, stays)).exit_time).toBeNull();

    time.set(at(2026, 11, 23, 18, 31));
    await expect.poll(async () => (await visitor(server!, stays)).exit_kind, { timeout: 30_000 }).toBe('auto');
    expect(await visitor(server, stays)).toMatchObject({ exit_time: '2026-11-23 18:30:00', exit_kind: 'auto' });
    expect(await visitor(server, leaves)).toMatchObject({ exit_time: '2026-11-23 09:00:00', exit_kind: 'desk' });
    // Whoever arrives after the sign-out time stays until the next one.
    const late = await checkIn(server, 'Evening Visitor');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await visitor(server, late)).exit_time).toBeNull();
  });

  it('catches up at start-up: visitors of a day the desk was off leave at that day’s sign-out time', async () => {
    server = await startTestServer({ dataDir, now: time.now });
    const tuesday = (time.set(at(2026, 11, 24, 10, 0)), await checkIn(server, 'Tuesday Visitor'));
    await server.close();
    server = undefined;

    // Off until Thursday morning; the check at start-up runs before the first request is answered.
    time.set(at(2026, 11, 26, 8, 0));
    server = await startTestServer({ dataDir, now: time.now, choresIntervalMs: 3_600_000 });
    expect(await visitor(server, tuesday)).toMatchObject({ exit_time: '2026-11-24 18:30:00', exit_kind: 'auto' });
    // The evening visitor of Monday arrived after Monday's sign-out time: Tuesday's applies.
    const evening = (await (await server.api('/v1/log/?q=evening')).json()) as { data: Visitor[] };
    expect(evening.data[0]).toMatchObject({ exit_time: '2026-11-24 18:30:00', exit_kind: 'auto' });
    const onSite = (await (await server.api('/v1/get/')).json()) as { data: unknown[] };
    expect(onSite.data).toEqual([]);
  });
});
