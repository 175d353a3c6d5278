import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Visitor } from '../../src/shared/api-types';
import type { AuditEntry } from '../../src/shared/audit';
import { makeImage } from '../helpers/images';
import { checkInForm, errorCode, jsonRequest, startTestServer, type TestServer } from '../helpers/server';

describe('corrections: a visitor put right, an exit undone, the next free card', () => {
  let clock = new Date(2026, 11, 1, 9, 0).getTime();
  let server: TestServer;
  let photo: Buffer;
  let hostNo: number;
  beforeAll(async () => {
    server = await startTestServer({ now: () => clock });
    photo = await makeImage('jpeg', 120, 90);
    hostNo = server.context.hosts.create({ name: 'Grace Hopper' }).visitee_no;
  });
  afterAll(() => server.stop());

  const checkIn = async (name: string, cardno: string): Promise<string> => {
    const response = await server.api('/v1/add/', { method: 'POST', body: checkInForm(photo, { name, cardno }) });
    expect(response.status, name).toBe(200);
    return ((await response.json()) as { visitor_id: string }).visitor_id;
  };
  const patch = (id: string, body: unknown) => server.api(`/v1/visitors/${id}`, jsonRequest('PATCH', body));
  const visitor = async (id: string): Promise<Visitor> =>
    ((await (await server.api('/v1/log/?limit=200')).json()) as { data: Visitor[] }).data.find(
      (v) => v.visitor_id === id,
    )!;
  const search = async (q: string): Promise<string[]> =>
    ((await (await server.api(`/v1/log/?q=${encodeURIComponent(q)}`)).json()) as { data: Visitor[] }).data.map(
      (v) => v.name,
    );

  it('corrects the name, card, host, mobile and purpose; search follows; the trail names the fields only', async () => {
    const id = await checkIn('Jhon Smiht', '11');
    const response = await patch(id, { name: 'John Smith', card_no: 12, visitee_no: hostNo, purpose: 'Audit' });
    expect(response.status).toBe(200);
    const corrected = ((await response.json()) as { data: Visitor }).data;
    expect(corrected).toMatchObject({
      name: 'John Smith',
      card_no: 12,
      visitee_name: 'Grace Hopper',
      purpose: 'Audit',
    });
    expect(await search('john')).toEqual(['John Smith']);
    expect(await search('jhon')).toEqual([]);
    expect(await search('grace')).toEqual(['John Smith']);
    const trail = (await (await server.api('/v1/admin/audit/?action=visitor.update')).json()) as {
      data: AuditEntry[];
    };
    expect(trail.data[0]).toMatchObject({ visitor_id: id, detail: 'corrected name, purpose, card_no, visitee_no' });
    expect(JSON.stringify(trail.data)).not.toContain('Smith');
    // Card 11 is free again, 12 taken: the next free card is 1 (nobody holds it).
    expect((await (await server.api('/v1/cards/next')).json()) as object).toEqual({
      success: true,
      data: { card_no: 1 },
    });
  });

  it('refuses bad values with the check-in’s codes, naming the field, and changes nothing', async () => {
    const id = await checkIn('Ada Lovelace', '21');
    await checkIn('Blocking Card', '22');
    const before = await visitor(id);
    for (const [body, code, field] of [
      [{ card_no: 'abc' }, '2301', 'card_no'],
      [{ card_no: 0 }, '2301', 'card_no'],
      [{ mobile: 'call me' }, '2302', 'mobile'],
      [{ purpose: '   ' }, '2303', 'purpose'],
      [{ name: '' }, '2400', 'name'],
      [{ name: 'x'.repeat(51) }, '2400', 'name'],
      [{ visitee_no: 'Grace' }, '2400', 'visitee_no'],
      [{ visitee_no: 99999 }, '3404', 'visitee_no'],
      [{ card_no: 22 }, '2409', 'card_no'],
      [{ exit_time: null }, '2400', undefined],
      [{}, '2400', undefined],
      [[1, 2], '2400', undefined],
    ] as const) {
      const response = await patch(id, body);
      const { errors } = (await response.json()) as { errors: { code: string; field?: string } };
      expect([errors.code, errors.field], JSON.stringify(body)).toEqual([code, field]);
    }
    expect(await visitor(id)).toEqual(before);
    expect(await errorCode(await patch('not-an-id', { name: 'X' }))).toBe('3404');
    expect(await errorCode(await patch('AAAAAAAAAAAAAAAAAAAAAA', { name: 'X' }))).toBe('3404');
    expect(
      await errorCode(await server.api(`/v1/visitors/${id}`, { ...jsonRequest('PATCH', { name: 'X' }), auth: false })),
    ).toBe('1190');
  });

  it('corrects a visitor who left today, not one who left before, nor an erased one', async () => {
    const left = await checkIn('Left Today', '31');
    await server.api(`/v1/exit/${left}`);
    expect((await patch(left, { purpose: 'Delivery' })).status).toBe(200);
    clock += 24 * 60 * 60 * 1000;
    expect(await errorCode(await patch(left, { purpose: 'Meeting' }))).toBe('2409');
    const erased = await checkIn('To Be Erased', '32');
    await server.api(`/v1/admin/visitors/${erased}/erase`, jsonRequest('POST', { reason: 'error' }));
    expect(await errorCode(await patch(erased, { name: 'Back Again' }))).toBe('3404');
  });

  it('undoes a desk exit within ten minutes, once, and not when the card went to someone else', async () => {
    const id = await checkIn('Wrong Exit', '41');
    await server.api(`/v1/exit/${id}`);
    const undone = await server.api(`/v1/exit/${id}`, { method: 'DELETE' });
    expect(undone.status).toBe(200);
    expect(((await undone.json()) as { data: Visitor }).data).toMatchObject({ exit_time: null, card_no: 41 });
    expect(await errorCode(await server.api(`/v1/exit/${id}`, { method: 'DELETE' }))).toBe('3404');

    await server.api(`/v1/exit/${id}`);
    await checkIn('Took The Card', '41');
    expect(await errorCode(await server.api(`/v1/exit/${id}`, { method: 'DELETE' }))).toBe('2409');
    expect((await visitor(id)).exit_time).not.toBeNull();

    const late = await checkIn('Late Undo', '42');
    await server.api(`/v1/exit/${late}`);
    clock += 11 * 60 * 1000;
    expect(await errorCode(await server.api(`/v1/exit/${late}`, { method: 'DELETE' }))).toBe('3404');
  });

  it('puts a visitor whose exit is undone on the open roll call: they never left', async () => {
    const id = await checkIn('Never Left', '51');
    await server.api(`/v1/exit/${id}`);
    const started = await server.api('/v1/evacuations/', jsonRequest('POST', { kind: 'drill' }));
    const rollId = ((await started.json()) as { data: { evacuation_id: number } }).data.evacuation_id;
    expect((await server.api(`/v1/exit/${id}`, { method: 'DELETE' })).status).toBe(200);
    const roll = (await (await server.api(`/v1/evacuations/${rollId}`)).json()) as {
      data: { people: { visitor_id: string }[] };
    };
    expect(roll.data.people.map((person) => person.visitor_id)).toContain(id);
    await server.api(`/v1/evacuations/${rollId}/close`, { method: 'POST' });
  });

  it('takes a correction as JSON only', async () => {
    const id = await checkIn('Form Sender', '52');
    const form = await server.api(`/v1/visitors/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Form+Name',
    });
    expect(await errorCode(form)).toBe('2415');
    expect((await visitor(id)).name).toBe('Form Sender');
  });

  it('suggests the lowest card nobody on the premises holds', async () => {
    for (const card of ['1', '2', '4']) await checkIn(`Card ${card}`, card);
    expect(((await (await server.api('/v1/cards/next')).json()) as { data: { card_no: number } }).data.card_no).toBe(3);
  });
});
