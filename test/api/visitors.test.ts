import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Visitor, VisitorLogResponse } from '../../src/shared/api-types';
import { makeImage } from '../helpers/images';
import { checkInForm, errorCode, startTestServer, type TestServer } from '../helpers/server';

describe('visitors on the premises, exits and the log', () => {
  let server: TestServer;
  const ids: string[] = [];
  const names = ['Zoë Åkesson', 'John Smith', 'Johanna Schmidt', 'Li Wei', 'Mary Jones'];

  beforeAll(async () => {
    server = await startTestServer();
    const jpeg = await makeImage('jpeg', 400, 300);
    const alice = server.context.hosts.create({ name: 'Alice Example' }).visitee_no;
    for (const [i, name] of names.entries()) {
      const form = checkInForm(jpeg, { name, cardno: String(100 + i), purpose: i === 3 ? 'Delivery' : 'Meeting' });
      if (i === 1) form.set('visitee_no', String(alice));
      const response = await server.api('/v1/add/', { method: 'POST', body: form });
      ids.push(((await response.json()) as { visitor_id: string }).visitor_id);
    }
  });
  afterAll(() => server.stop());

  const json = async <T>(pathname: string): Promise<T> => (await (await server.api(pathname)).json()) as T;

  it('lists visitors on the premises oldest first', async () => {
    const body = await json<{ success: boolean; data: Visitor[] }>('/v1/get/');
    expect(body.success).toBe(true);
    expect(body.data.map((v) => v.visitor_id)).toEqual(ids);
    expect(Object.keys(body.data[0]!)).toEqual(
      expect.arrayContaining(['visitor_id', 'card_no', 'name', 'entry_time', 'mobile', 'purpose']),
    );
  });

  it('answers with and without the trailing slash', async () => {
    expect((await server.api('/v1/get')).status).toBe(200);
    expect((await server.api(`/v1/get/${ids[0]}/`)).status).toBe(200);
    expect((await server.api('/v1/get/visitee')).status).toBe(200);
  });

  it('gets one visitor by ID, and 3404 for an unknown or malformed ID', async () => {
    const body = await json<{ data: Visitor[] }>(`/v1/get/${ids[2]}`);
    expect(body.data).toHaveLength(1);
    expect(body.data[0]!.name).toBe('Johanna Schmidt');
    for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', 'not-an-id', '..%2F..%2Fetc%2Fpasswd', '%00']) {
      const response = await server.api(`/v1/get/${id}`);
      expect(response.status).toBe(404);
      expect(await errorCode(response)).toBe('3404');
    }
  });

  it('lists visitees', async () => {
    const body = await json<{ data: unknown[] }>('/v1/get/visitee/');
    expect(body.data).toEqual([{ visitee_no: 1, name: 'Alice Example', department: null }]);
  });

  it('records an exit once: the visitor leaves the list, a second exit is 3404', async () => {
    const leaving = ids[3]!;
    expect(await json(`/v1/exit/${leaving}`)).toEqual({ success: true });
    const onSite = await json<{ data: Visitor[] }>('/v1/get/');
    expect(onSite.data.map((v) => v.visitor_id)).not.toContain(leaving);
    expect(await errorCode(await server.api(`/v1/exit/${leaving}`))).toBe('3404');
    expect(await errorCode(await server.api(`/v1/get/${leaving}`))).toBe('3404');
  });

  it('accepts POST for an exit, and answers 3100 without an ID', async () => {
    expect((await server.api(`/v1/exit/${ids[4]}`, { method: 'POST' })).status).toBe(200);
    const missing = await server.api('/v1/exit/');
    expect(missing.status).toBe(400);
    expect(await errorCode(missing)).toBe('3100');
  });

  it('keeps photos after the visitor leaves', async () => {
    expect((await server.api(`/v1/photo/thumb/${ids[3]}`)).status).toBe(200);
    expect((await server.api(`/v1/photo/${ids[3]}`)).status).toBe(200);
  });

  it('lists everyone newest first in the log, with exit times, page by page', async () => {
    const seen: Visitor[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: VisitorLogResponse = await json(`/v1/log/?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data);
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((v) => v.visitor_id)).toEqual([...ids].reverse());
    expect(seen.find((v) => v.visitor_id === ids[3])!.exit_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it.each(['', 'on_site=1&', 'q=a&'])(
    'pages back through newer entries with prev_cursor, to the same pages (%s)',
    async (filter) => {
      const forward: VisitorLogResponse[] = [];
      let cursor: string | null = null;
      do {
        const page: VisitorLogResponse = await json(`/v1/log/?${filter}limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        forward.push(page);
        cursor = page.next_cursor;
      } while (cursor);
      expect(forward[0]!.prev_cursor).toBeNull();
      // From the last page back to the first, following prev_cursor alone.
      const back: VisitorLogResponse[] = [forward.at(-1)!];
      while (back[0]!.prev_cursor) {
        back.unshift(await json<VisitorLogResponse>(`/v1/log/?${filter}limit=2&cursor=${back[0]!.prev_cursor}`));
      }
      const ids = (pages: VisitorLogResponse[]) => pages.map((page) => page.data.map((v) => v.visitor_id));
      expect(ids(back)).toEqual(ids(forward));
      expect(back.every((page, i) => (i === 0 ? page.prev_cursor === null : page.prev_cursor !== null))).toBe(true);
    },
  );

  it('pages through the visitors on the premises, newest first, with their count', async () => {
    const onSite = (await json<{ data: Visitor[] }>('/v1/get/')).data.map((v) => v.visitor_id).reverse();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: VisitorLogResponse = await json(`/v1/log/?on_site=1&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.on_site_count).toBe(onSite.length);
      expect(page.data.every((v) => v.exit_time === null)).toBe(true);
      seen.push(...page.data.map((v) => v.visitor_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(onSite);
    expect(await errorCode(await server.api('/v1/log/?on_site=1&q=john'))).toBe('2400');
  });

  it.each([
    ['joh', ['Johanna Schmidt', 'John Smith']],
    ['john', ['John Smith']],
    ['jo sm', ['John Smith']],
    ['zoe', ['Zoë Åkesson']],
    ['akesson', ['Zoë Åkesson']],
    ['delivery', ['Li Wei']],
    ['alice', ['John Smith']],
    ['101', ['John Smith']],
    ['"OR 1=1 --', []],
    ['NEAR(a b)', []],
  ])('searches the log for %j', async (q, expected) => {
    const page = await json<VisitorLogResponse>(`/v1/log/?q=${encodeURIComponent(q)}`);
    expect(page.data.map((v) => v.name)).toEqual(expected);
  });

  it('answers 2400 for a bad cursor or limit', async () => {
    for (const query of ['cursor=bogus', 'limit=0', 'limit=201', 'limit=abc', `q=${'x'.repeat(101)}`, 'on_site=yes']) {
      expect(await errorCode(await server.api(`/v1/log/?${query}`))).toBe('2400');
    }
  });

  it('answers 2600 for unknown endpoints and extra path components', async () => {
    for (const pathname of ['/v1/nothing', `/v1/get/${ids[0]}/extra`, '/v1/photo/a/b/c', '/v1/']) {
      const response = await server.api(pathname);
      expect(response.status).toBe(404);
      expect(await errorCode(response)).toBe('2600');
    }
  });
});
