import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evacuation, EvacuationSummary } from '../../src/shared/evacuation';
import { sqlInAnotherProcess } from '../helpers/another-process';
import { makeImage } from '../helpers/images';
import { checkInForm, errorCode, jsonRequest, signIn, startTestServer, type TestServer } from '../helpers/server';

describe('the evacuation roll call', () => {
  let server: TestServer;
  let secondDesk: string;
  let photo: Buffer;
  const onSite: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    await server.api('/v1/admin/users', jsonRequest('POST', { username: 'desk2', password: 'second desk password' }));
    secondDesk = await signIn(server.url, 'desk2', 'second desk password');
    photo = await makeImage('jpeg', 120, 90);
  });
  afterAll(() => server.stop());

  const checkIn = async (name: string): Promise<string> => {
    const response = await server.api('/v1/add/', { method: 'POST', body: checkInForm(photo, { name }) });
    return ((await response.json()) as { visitor_id: string }).visitor_id;
  };
  const start = (kind: string) => server.api('/v1/evacuations/', jsonRequest('POST', { kind }));

  it('starts with an empty roll when nobody is on site, and closes', async () => {
    const started = await start('drill');
    expect(started.status).toBe(201);
    const roll = ((await started.json()) as { data: Evacuation }).data;
    expect(roll).toMatchObject({ kind: 'drill', closed_time: null, people: [] });
    const closed = await server.api(`/v1/evacuations/${roll.evacuation_id}/close`, { method: 'POST' });
    expect(((await closed.json()) as { data: Evacuation }).data.closed_time).not.toBeNull();
  });

  it('freezes who was on the premises: later check-ins and exits do not change the roll', async () => {
    for (const name of ['Ana Alarm', 'Ben Bell', 'Cy Siren']) onSite.push(await checkIn(name));
    const roll = ((await (await start('real')).json()) as { data: Evacuation }).data;
    expect(roll.people.map((p) => p.name)).toEqual(['Ana Alarm', 'Ben Bell', 'Cy Siren']);
    expect(roll.people[0]).toMatchObject({
      has_photo: true,
      mobile: expect.stringMatching(/^\+?\d{6,15}$/) as string,
      accounted_time: null,
      accounted_by: null,
    });
    await checkIn('Late Arrival');
    await server.api(`/v1/exit/${onSite[1]}`);
    const again = ((await (await server.api(`/v1/evacuations/${roll.evacuation_id}`)).json()) as { data: Evacuation })
      .data;
    expect(again.people.map((p) => p.name)).toEqual(['Ana Alarm', 'Ben Bell', 'Cy Siren']);
  });

  it('refuses a second open roll with 2409 naming the open one', async () => {
    const open = ((await (await server.api('/v1/evacuations/')).json()) as { data: EvacuationSummary[] }).data[0]!;
    const second = await start('drill');
    expect(second.status).toBe(409);
    const body = (await second.json()) as { errors: { code: string; message: string } };
    expect(body.errors.code).toBe('2409');
    expect(body.errors.message).toContain(String(open.evacuation_id));
    expect(await errorCode(await start('fire'))).toBe('2400');
  });

  it('takes marks from two desks at once, with who and when; undo works; strangers are 3404', async () => {
    const open = ((await (await server.api('/v1/evacuations/')).json()) as { data: EvacuationSummary[] }).data[0]!;
    const id = open.evacuation_id;
    const answers = await Promise.all([
      server.api(`/v1/evacuations/${id}/accounted/${onSite[0]}`, { method: 'POST' }),
      server.api(`/v1/evacuations/${id}/accounted/${onSite[1]}`, { method: 'POST', auth: secondDesk }),
      server.api(`/v1/evacuations/${id}/accounted/${onSite[2]}`, { method: 'POST', auth: secondDesk }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    // A second mark keeps the first one's who and when.
    const again = await server.api(`/v1/evacuations/${id}/accounted/${onSite[0]}`, {
      method: 'POST',
      auth: secondDesk,
    });
    expect(((await again.json()) as { data: Evacuation }).data.people[0]!.accounted_by).toBe('reception');
    await server.api(`/v1/evacuations/${id}/accounted/${onSite[2]}`, { method: 'DELETE' });
    const roll = ((await (await server.api(`/v1/evacuations/${id}`)).json()) as { data: Evacuation }).data;
    expect(roll.people.map((p) => [p.name, p.accounted_by])).toEqual([
      ['Ana Alarm', 'reception'],
      ['Ben Bell', 'desk2'],
      ['Cy Siren', null],
    ]);
    const late = (await (await server.api('/v1/log/?q=late')).json()) as { data: { visitor_id: string }[] };
    expect(
      await errorCode(
        await server.api(`/v1/evacuations/${id}/accounted/${late.data[0]!.visitor_id}`, { method: 'POST' }),
      ),
    ).toBe('3404');
    expect(await errorCode(await server.api(`/v1/evacuations/${id}/accounted/..%2F..`, { method: 'POST' }))).toBe(
      '3404',
    );
    expect(await errorCode(await server.api(`/v1/evacuations/999/accounted/${onSite[0]}`, { method: 'POST' }))).toBe(
      '3404',
    );
  });

  it('keeps a closed roll as the report: no change after closing (2409), listed with its counts', async () => {
    const open = ((await (await server.api('/v1/evacuations/')).json()) as { data: EvacuationSummary[] }).data[0]!;
    const id = open.evacuation_id;
    await server.api(`/v1/evacuations/${id}/close`, { method: 'POST' });
    expect(await errorCode(await server.api(`/v1/evacuations/${id}/close`, { method: 'POST' }))).toBe('2409');
    expect(await errorCode(await server.api(`/v1/evacuations/${id}/accounted/${onSite[2]}`, { method: 'POST' }))).toBe(
      '2409',
    );
    const list = ((await (await server.api('/v1/evacuations/')).json()) as { data: EvacuationSummary[] }).data;
    expect(list[0]).toMatchObject({ evacuation_id: id, kind: 'real', people_count: 3, accounted_count: 2 });
    // The report keeps the host of the moment, whatever happens to hosts later.
    const host = server.context.hosts.create({ name: 'Original Host' }).visitee_no;
    const withHost = await server.api('/v1/add/', {
      method: 'POST',
      body: checkInForm(photo, { name: 'Hosted Guest', visitee_no: String(host) }),
    });
    expect(withHost.status).toBe(200);
    const drill = ((await (await start('drill')).json()) as { data: Evacuation }).data;
    await server.api(`/v1/admin/visitees/${host}`, jsonRequest('PATCH', { name: 'Renamed Host' }));
    await server.api(`/v1/evacuations/${drill.evacuation_id}/close`, { method: 'POST' });
    const report = ((await (await server.api(`/v1/evacuations/${drill.evacuation_id}`)).json()) as { data: Evacuation })
      .data;
    expect(report.people.find((p) => p.name === 'Hosted Guest')?.visitee_name).toBe('Original Host');
    const audit = (await (await server.api('/v1/admin/audit/?action=evacuation.close')).json()) as {
      data: { detail: string }[];
    };
    expect(audit.data.map((entry) => entry.detail)).toContain('real: 2 of 3 accounted for');
  });
});

describe('a roll started at another desk apart, arriving open', () => {
  it('joins the rolls it overlaps into one roll call, and leaves the reports closed here unchanged', async () => {
    const server = await startTestServer();
    try {
      const added = await server.api('/v1/add/', {
        method: 'POST',
        body: checkInForm(await makeImage('jpeg', 160, 120, 1), { name: 'Pat Person', cardno: '77' }),
      });
      const { visitor_id } = (await added.json()) as { visitor_id: string };
      const start = () => server.api('/v1/evacuations', jsonRequest('POST', { kind: 'drill' }));
      const here = ((await (await start()).json()) as { data: { evacuation_id: number } }).data.evacuation_id;
      expect((await server.api(`/v1/evacuations/${here}/close`, { method: 'POST' })).status).toBe(200);

      // Another desk's roll, started a minute before and still open there, as replication writes it.
      const other = 7 * 2 ** 32 + 1;
      sqlInAnotherProcess(
        server,
        `INSERT INTO evacuations (evacuation_id, kind, started_at) VALUES (${other}, 'drill', ${Date.now() - 60_000})`,
      );

      const call = (await (await server.api(`/v1/evacuations/${here}`)).json()) as {
        data: { evacuation_id: number; closed_time: string | null; people: { visitor_id: string }[] };
      };
      expect(call.data).toMatchObject({ evacuation_id: other, closed_time: null });
      expect(call.data.people.map((person) => person.visitor_id)).toEqual([visitor_id]);
      // Pat is on this desk's closed roll only: its report does not change.
      const marked = await server.api(`/v1/evacuations/${other}/accounted/${visitor_id}`, { method: 'POST' });
      expect(marked.status).toBe(409);
      expect(rollMarks(server, here)).toEqual([null]);
      // A roll cannot be started while the other desk's is open here; closing the call frees it.
      expect((await start()).status).toBe(409);
      expect((await server.api(`/v1/evacuations/${other}/close`, { method: 'POST' })).status).toBe(200);
      expect((await start()).status).toBe(201);
    } finally {
      await server.stop();
    }
  });
});

/** The marks on one roll as the database holds them. */
function rollMarks(server: TestServer, id: number): (number | null)[] {
  return server.context.db
    .prepare<[number], number | null>('SELECT accounted_at FROM evacuation_people WHERE evacuation_id = ?')
    .pluck()
    .all(id);
}
