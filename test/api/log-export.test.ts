import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Visitor } from '../../src/shared/api-types';
import { makeImage } from '../helpers/images';
import { checkInForm, errorCode, startTestServer, type TestServer } from '../helpers/server';

describe('the log by date, and as CSV', () => {
  let now = new Date(2026, 10, 20, 9, 0).getTime();
  let server: TestServer;
  const names: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer({ now: () => now });
    const photo = await makeImage('jpeg', 120, 90);
    const visits: [string, number, string, string][] = [
      // name, day of November 2026, purpose, mobile
      ['Early Bird', 20, 'Meeting', '+441234567'],
      ['=HYPERLINK("http://evil.example","click")', 21, 'Delivery, "urgent"', '+449876543'],
      ['@SUM(A1:A2)', 21, '-2+3', '0123456789'],
      ['Late Comer', 23, 'Interview', '+440000111'],
    ];
    for (const [name, day, purpose, mobile] of visits) {
      now = new Date(2026, 10, day, 10, 0).getTime();
      const response = await server.api('/v1/add/', {
        method: 'POST',
        body: checkInForm(photo, { name, purpose, mobile }),
      });
      names[name] = ((await response.json()) as { visitor_id: string }).visitor_id;
    }
    now = new Date(2026, 10, 23, 12, 0).getTime();
    await server.api(`/v1/exit/${names['Early Bird']}`);
  });
  afterAll(() => server.stop());

  const log = async (query: string): Promise<string[]> =>
    ((await (await server.api(`/v1/log/?${query}`)).json()) as { data: Visitor[] }).data.map((v) => v.name);

  it('keeps the days entered from `from` to `to`, inclusive, alone or with a search', async () => {
    expect(await log('from=2026-11-21&to=2026-11-21')).toEqual([
      '@SUM(A1:A2)',
      '=HYPERLINK("http://evil.example","click")',
    ]);
    expect(await log('from=2026-11-22')).toEqual(['Late Comer']);
    expect(await log('to=2026-11-20')).toEqual(['Early Bird']);
    expect(await log('from=2026-11-20&to=2026-11-23&q=late')).toEqual(['Late Comer']);
    expect(await log('from=2026-11-24')).toEqual([]);
  });

  it('pages a date range like the whole log', async () => {
    const first = (await (await server.api('/v1/log/?from=2026-11-20&to=2026-11-23&limit=3')).json()) as {
      data: Visitor[];
      next_cursor: string;
    };
    expect(first.data).toHaveLength(3);
    const rest = (await (
      await server.api(`/v1/log/?from=2026-11-20&to=2026-11-23&limit=3&cursor=${first.next_cursor}`)
    ).json()) as { data: Visitor[]; next_cursor: string | null };
    expect(rest.data.map((v) => v.name)).toEqual(['Early Bird']);
    expect(rest.next_cursor).toBeNull();
  });

  it('refuses impossible dates and a `from` after `to` with 2400 naming the field', async () => {
    for (const [query, field] of [
      ['from=2026-02-30', 'from'],
      ['to=2026-11-31', 'to'],
      ['from=yesterday', 'from'],
      ['from=2026-11-23&to=2026-11-20', 'from'],
    ]) {
      for (const path of ['/v1/log/', '/v1/log/export.csv']) {
        const response = await server.api(`${path}?${query}`);
        expect(response.status, `${path}?${query}`).toBe(400);
        const { errors } = (await response.json()) as { errors: { code: string; field: string; message: string } };
        expect(errors).toMatchObject({ code: '2400', field });
        expect(errors.message).toContain(field);
      }
    }
  });

  it('exports exactly what the filter shows, RFC 4180, with formulas neutralised', async () => {
    const response = await server.api('/v1/log/export.csv?from=2026-11-20&to=2026-11-21');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="export.csv"');
    const text = await response.text();
    expect(text.split('\r\n')[0]).toBe(
      'visitor_id,card_no,name,mobile,purpose,visitee_name,entry_time,exit_time,exit_kind,type',
    );
    const rows = parse<Record<string, string>>(text, { columns: true });
    expect(rows.map((r) => r.visitor_id?.replace(/^'/, ''))).toEqual([
      names['@SUM(A1:A2)'],
      names['=HYPERLINK("http://evil.example","click")'],
      names['Early Bird'],
    ]);
    expect(rows[0]).toMatchObject({ name: "'@SUM(A1:A2)", purpose: "'-2+3", mobile: '0123456789' });
    expect(rows[1]).toMatchObject({
      name: `'=HYPERLINK("http://evil.example","click")`,
      purpose: 'Delivery, "urgent"',
      mobile: "'+449876543",
    });
    expect(rows[2]).toMatchObject({
      name: 'Early Bird',
      entry_time: '2026-11-20 10:00:00',
      exit_time: '2026-11-23 12:00:00',
      exit_kind: 'desk',
      type: 'Visitor',
    });
    // The quoting itself, as bytes: a quote doubled, a field with a comma in quotes.
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(text).toContain('"Delivery, ""urgent"""');
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('exports a search, and a filter that matches nothing as the header alone', async () => {
    const search = await (await server.api('/v1/log/export.csv?q=late')).text();
    expect(parse<Record<string, string>>(search, { columns: true }).map((r) => r.name)).toEqual(['Late Comer']);
    const none = await (await server.api('/v1/log/export.csv?from=2030-01-01')).text();
    expect(none).toBe('visitor_id,card_no,name,mobile,purpose,visitee_name,entry_time,exit_time,exit_kind,type\r\n');
    expect(await errorCode(await server.api('/v1/log/export.csv?q=a+b+c+d+e+f+g'))).toBe('2400');
  });

  it('needs a token like every other endpoint', async () => {
    expect(await errorCode(await server.api('/v1/log/export.csv', { auth: false }))).toBe('1190');
  });

  it('still finds a visitor by date after the clock was set back (a later check-in with an earlier time)', async () => {
    now = new Date(2026, 10, 20, 23, 0).getTime(); // three days back from the last check-in
    const photo = await makeImage('jpeg', 60, 60);
    const response = await server.api('/v1/add/', {
      method: 'POST',
      body: checkInForm(photo, { name: 'Clock Went Back' }),
    });
    expect(response.status).toBe(200);
    expect(await log('from=2026-11-20&to=2026-11-20')).toEqual(['Clock Went Back', 'Early Bird']);
    expect(await log('from=2026-11-23')).toEqual(['Late Comer']);
  });

  it('leaves no formula for a spreadsheet that splits on semicolons or commas, hosts imported from CSV included', async () => {
    const imported = await server.api('/v1/admin/visitees/import', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'name;email\r\n"Bob;@SUM(1);y";bob@example.com\r\n',
    });
    expect(imported.status).toBe(200);
    const hosts = (await (await server.api('/v1/get/visitee/')).json()) as {
      data: { visitee_no: number; name: string }[];
    };
    const bob = hosts.data.find((host) => host.name.startsWith('Bob'))!;
    now = new Date(2026, 10, 24, 10, 0).getTime();
    const photo = await makeImage('jpeg', 60, 60);
    for (const name of ['Ann;=1+2;x', 'Cy,-2+3', 'Di;"=1+1"']) {
      const added = await server.api('/v1/add/', {
        method: 'POST',
        body: checkInForm(photo, { name, purpose: 'Meeting;+1', visitee_no: String(bob.visitee_no) }),
      });
      expect(added.status, name).toBe(200);
    }
    const text = await (await server.api('/v1/log/export.csv?from=2026-11-24&to=2026-11-24')).text();
    const [header, ...lines] = text.split('\r\n').filter(Boolean);
    expect(header).toBe('visitor_id,card_no,name,mobile,purpose,visitee_name,entry_time,exit_time,exit_kind,type');
    // Every cell of every row quoted.
    for (const line of lines) expect(line).toMatch(/^"[^"]*"(,"([^"]|"")*")*$/);
    for (const delimiter of [',', ';', '\t']) {
      const rows: string[][] = parse(text, { delimiter, relax_quotes: true, relax_column_count: true });
      for (const cell of rows.flat())
        expect(cell.replace(/^[" ]+/, ''), `split on ${delimiter}`).not.toMatch(/^[=+\-@]/);
    }
    // Read as the export means it, the values are whole, with the neutralising apostrophes.
    const rows = parse<Record<string, string>>(text, { columns: true });
    expect(rows.map((row) => row.name).sort()).toEqual(["Ann;'=1+2;x", "Cy,'-2+3", 'Di;"\'=1+1"']);
    expect(rows.every((row) => row.visitee_name === "Bob;'@SUM(1);y" && row.purpose === "Meeting;'+1")).toBe(true);
  });
});
