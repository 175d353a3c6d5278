import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Visitor } from '../../src/shared/api-types';
import type { AuditEntry } from '../../src/shared/audit';
import type { Agreement } from '../../src/shared/agreements';
import type { ReturningVisitor } from '../../src/shared/returning';
import type { VisitorType } from '../../src/shared/visitor-types';
import type { WatchEntry } from '../../src/shared/watchlist';
import { filesContaining } from '../helpers/data-folder';
import { makeImage } from '../helpers/images';
import { checkInForm, errorCode, jsonRequest, signIn, startTestServer, type TestServer } from '../helpers/server';
import { makeSignature } from '../helpers/signature';

let server: TestServer;
let photo: Buffer;
let reception: string;

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json()) as { data: T };
  return body.data;
}

/** A check-in form with a type, and for an agreement a signature and the version read. */
function form(
  fields: Record<string, string | undefined>,
  files: { image?: Buffer | null; signature?: Buffer } = {},
): FormData {
  const { image = photo, signature } = files;
  const data = checkInForm(image, fields);
  if (signature) data.set('signature', new Blob([new Uint8Array(signature)], { type: 'image/png' }), 'signature.png');
  return data;
}

const add = (body: FormData, auth?: string) =>
  server.api('/v1/add/', { method: 'POST', body, ...(auth ? { auth } : {}) });

async function visitor(id: string): Promise<Visitor> {
  const page = await json<Visitor[]>(await server.api('/v1/log?limit=200'));
  return page.find((v) => v.visitor_id === id)!;
}

async function trail(action: string): Promise<AuditEntry[]> {
  return json<AuditEntry[]>(await server.api(`/v1/admin/audit?action=${action}`));
}

const logCount = async (): Promise<number> => (await json<Visitor[]>(await server.api('/v1/log?limit=200'))).length;

beforeAll(async () => {
  server = await startTestServer();
  photo = await makeImage('jpeg', 320, 240);
  await server.api(
    '/v1/admin/users',
    jsonRequest('POST', { username: 'front', password: 'front desk password', role: 'reception' }),
  );
  reception = await signIn(server.url, 'front', 'front desk password');
});
afterAll(() => server.stop());

describe('visitor types', () => {
  it('a new site has Visitor, Contractor, Interview and Delivery; only Delivery needs no photo', async () => {
    const types = await json<VisitorType[]>(await server.api('/v1/visitor-types'));
    expect(types.map((t) => [t.type_id, t.name, t.photo_required, t.agreement_id, t.active])).toEqual([
      [1, 'Visitor', true, null, true],
      [2, 'Contractor', true, null, true],
      [3, 'Interview', true, null, true],
      [4, 'Delivery', false, null, true],
    ]);
  });

  it('checks a delivery in without a photo: a placeholder, and the photo endpoints answer 4515', async () => {
    const response = await add(form({ name: 'Parcel Courier', type_id: '4' }, { image: null }));
    expect(response.status).toBe(200);
    const id = ((await response.json()) as { visitor_id: string }).visitor_id;
    const checkedIn = await visitor(id);
    expect([checkedIn.type_id, checkedIn.type_name, checkedIn.has_photo, checkedIn.agreement]).toEqual([
      4,
      'Delivery',
      false,
      null,
    ]);
    expect(await errorCode(await server.api(`/v1/photo/${id}`))).toBe('4515');
    expect(await errorCode(await server.api(`/v1/photo/thumb/${id}`))).toBe('4515');
  });

  it('a type that needs a photo still answers 2200 without one; an unknown type is 3404, a check-in without one is a Visitor', async () => {
    expect(await errorCode(await add(form({ type_id: '1' }, { image: null })))).toBe('2200');
    expect(await errorCode(await add(form({}, { image: null })))).toBe('2200');
    expect(await errorCode(await add(form({ type_id: '999' })))).toBe('3404');
    expect(await errorCode(await add(form({ type_id: 'abc' })))).toBe('3404');
    const id = ((await (await add(form({ name: 'Plain Visitor' }))).json()) as { visitor_id: string }).visitor_id;
    expect((await visitor(id)).type_name).toBe('Visitor');
  });

  it('admins add and change types; a name taken, a bad colour, an unknown agreement are refused and change nothing', async () => {
    const created = await server.api(
      '/v1/admin/visitor-types',
      jsonRequest('POST', { name: 'Auditor', color: '#AA0000', photo_required: true, agreement_id: null }),
    );
    expect(created.status).toBe(201);
    const auditor = await json<VisitorType>(created);
    expect(auditor.color).toBe('#aa0000');
    expect(auditor.type_id).toBeGreaterThan(4);
    const before = await json<VisitorType[]>(await server.api('/v1/visitor-types'));
    const bad = [
      { name: 'auditor', color: '#000000', photo_required: true, agreement_id: null },
      { name: 'Red', color: 'red', photo_required: true, agreement_id: null },
      { name: 'Ghost', color: '#000000', photo_required: true, agreement_id: 424242 },
      { name: '   ', color: '#000000', photo_required: true, agreement_id: null },
    ];
    const codes = [];
    for (const body of bad)
      codes.push(await errorCode(await server.api('/v1/admin/visitor-types', jsonRequest('POST', body))));
    expect(codes).toEqual(['2409', '2400', '3404', '2400']);
    expect(await json<VisitorType[]>(await server.api('/v1/visitor-types'))).toEqual(before);
    expect(
      await errorCode(
        await server.api('/v1/admin/visitor-types', {
          ...jsonRequest('POST', bad[0]),
          auth: reception,
        }),
      ),
    ).toBe('1300');
  });

  it('a type deleted while in use is deactivated, never removed: its visitors keep it, check-in refuses it', async () => {
    const created = await json<VisitorType>(
      await server.api(
        '/v1/admin/visitor-types',
        jsonRequest('POST', { name: 'Temp', color: '#123456', photo_required: false, agreement_id: null }),
      ),
    );
    const id = (
      (await (await add(form({ type_id: String(created.type_id) }, { image: null }))).json()) as {
        visitor_id: string;
      }
    ).visitor_id;
    const retired = await json<VisitorType>(
      await server.api(`/v1/admin/visitor-types/${created.type_id}`, { method: 'DELETE' }),
    );
    expect(retired.active).toBe(false);
    expect((await visitor(id)).type_name).toBe('Temp');
    expect(await errorCode(await add(form({ type_id: String(created.type_id) }, { image: null })))).toBe('3404');
    expect(
      await errorCode(await server.api('/v1/admin/visitor-types/1', jsonRequest('PATCH', { active: false }))),
    ).toBe('2409');
  });

  it('History filters by type and the export has a type column', async () => {
    const deliveries = await json<Visitor[]>(await server.api('/v1/log?type_id=4'));
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((v) => v.type_id === 4)).toBe(true);
    const visitors = await json<Visitor[]>(await server.api('/v1/log?type_id=1'));
    expect(visitors.every((v) => v.type_id === 1)).toBe(true);
    const searched = await json<Visitor[]>(await server.api('/v1/log?type_id=4&q=parcel'));
    expect(searched.map((v) => v.name)).toEqual(['Parcel Courier']);
    const csv = await (await server.api('/v1/log/export.csv?type_id=4')).text();
    expect(csv.split('\r\n')[0]).toMatch(/,type$/);
    expect(csv).toContain('"Delivery"');
    expect(await errorCode(await server.api('/v1/log?type_id=x'))).toBe('2400');
  });
});

describe('agreements and signatures', () => {
  let agreement: Agreement;
  let signature: Buffer;

  beforeAll(async () => {
    signature = await makeSignature({ seed: 3 });
    agreement = await json<Agreement>(
      await server.api(
        '/v1/admin/agreements',
        jsonRequest('POST', {
          title: 'Site safety rules',
          text: '# Safety\n\nWear a **hard hat** at all times.\n\n- Sign in and out\n- Follow your escort',
        }),
      ),
    );
    await server.api('/v1/admin/visitor-types/2', jsonRequest('PATCH', { agreement_id: agreement.agreement_id }));
  });

  it('an agreement starts at version 1 with the SHA-256 of its text, readable by any staff', async () => {
    expect(agreement.version).toBe(1);
    const read = await json<Agreement>(
      await server.api(`/v1/agreements/${agreement.agreement_id}`, { auth: reception }),
    );
    expect(read.text).toContain('hard hat');
    const { createHash } = await import('node:crypto');
    expect(read.sha256).toBe(createHash('sha256').update(read.text).digest('hex'));
    const types = await json<VisitorType[]>(await server.api('/v1/visitor-types'));
    expect(types.find((t) => t.type_id === 2)!.agreement_version).toBe(1);
  });

  it('refuses a contractor without a signature, without the version, with another version, blank, not a PNG or too big', async () => {
    const before = await logCount();
    const contractor = { type_id: '2', agreement_version: '1', name: 'Con Tractor' };
    const noise = Buffer.alloc(1024, 7);
    const huge = Buffer.concat([await makeSignature(), Buffer.alloc(201 * 1024)]);
    const cases: [FormData, string][] = [
      [form(contractor), '2200'],
      [form({ ...contractor, agreement_version: undefined }, { signature }), '2200'],
      [form({ ...contractor, agreement_version: '7' }, { signature }), '2409'],
      [form(contractor, { signature: await makeSignature({ blank: true }) }), '2400'],
      [form(contractor, { signature: noise }), '2415'],
      [form(contractor, { signature: huge }), '2400'],
      [form({ ...contractor, agreement_version: 'one' }, { signature }), '2400'],
    ];
    const codes = [];
    for (const [body] of cases) codes.push(await errorCode(await add(body)));
    expect(codes).toEqual(cases.map(([, code]) => code));
    expect(await logCount()).toBe(before);
  });

  it('checks a contractor in with a signature; the signed copy is a PDF with the text, version, hash, name and time, audited', async () => {
    const response = await add(form({ type_id: '2', agreement_version: '1', name: 'Zoë Contractor' }, { signature }));
    expect(response.status).toBe(200);
    const id = ((await response.json()) as { visitor_id: string }).visitor_id;
    const signed = await visitor(id);
    expect(signed.agreement).toMatchObject({
      agreement_id: agreement.agreement_id,
      version: 1,
      title: 'Site safety rules',
    });
    const pdf = await server.api(`/v1/visitors/${id}/agreement.pdf`, { auth: reception });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(bytes);
    for (const expected of [
      'Site safety rules',
      'Version 1',
      agreement.sha256,
      'Zoë Contractor',
      'hard hat',
      signed.entry_time,
    ]) {
      expect(text).toContain(expected);
    }
    const views = await trail('agreement.view');
    expect(views[0]).toMatchObject({ visitor_id: id, username: 'front' });
  });

  it('a change is the next version; the version signed never changes, and a visitor signing the old one gets 2409', async () => {
    const first = await add(form({ type_id: '2', agreement_version: '1', name: 'Early Signer' }, { signature }));
    const firstId = ((await first.json()) as { visitor_id: string }).visitor_id;
    const changed = await json<Agreement>(
      await server.api(
        `/v1/admin/agreements/${agreement.agreement_id}`,
        jsonRequest('PATCH', { text: '# Safety\n\nWear **boots** too.' }),
      ),
    );
    expect(changed.version).toBe(2);
    expect(await errorCode(await add(form({ type_id: '2', agreement_version: '1' }, { signature })))).toBe('2409');
    const old = pdfText(Buffer.from(await (await server.api(`/v1/visitors/${firstId}/agreement.pdf`)).arrayBuffer()));
    expect(old).toContain('hard hat');
    expect(old).not.toContain('boots');
    const versions = await json<Agreement[]>(
      await server.api(`/v1/admin/agreements/${agreement.agreement_id}/versions`),
    );
    expect(versions.map((v) => [v.version, v.text.includes('boots')])).toEqual([
      [1, false],
      [2, true],
    ]);
    // The same words again make no version.
    const same = await json<Agreement>(
      await server.api(`/v1/admin/agreements/${agreement.agreement_id}`, jsonRequest('PATCH', { text: changed.text })),
    );
    expect(same.version).toBe(2);
    agreement = changed;
  });

  it('erasure removes the signed copy and nothing of it stays in the data folder', async () => {
    const mark = await makeSignature({ seed: 9 });
    const response = await add(
      form({ type_id: '2', agreement_version: '2', name: 'Erin Erasable' }, { signature: mark }),
    );
    const id = ((await response.json()) as { visitor_id: string }).visitor_id;
    const pdf = Buffer.from(await (await server.api(`/v1/visitors/${id}/agreement.pdf`)).arrayBuffer());
    // Pieces of the signature's compressed pixels and of the PDF's compressed streams.
    const needles = [...compressedPieces(mark), ...pdfStreamPieces(pdf), 'Erin Erasable'];
    await server.api(`/v1/exit/${id}`);
    const erased = await server.api(`/v1/admin/visitors/${id}/erase`, jsonRequest('POST', { reason: 'request' }));
    expect(erased.status).toBe(200);
    expect(await errorCode(await server.api(`/v1/visitors/${id}/agreement.pdf`))).toBe('3404');
    expect((await visitor(id)).agreement).toBeNull();
    expect(filesContaining(server.dataDir, needles)).toEqual([]);
  });
});

describe('returning visitors', () => {
  it('finds earlier visitors by the start of a name word, a mobile or an e-mail, each person once, erased never', async () => {
    for (let i = 0; i < 3; i++) await add(form({ name: 'Rita Returning', mobile: '07700900555', purpose: 'Audit' }));
    await add(form({ name: 'Rita Other', mobile: '07700900556' }));
    const byName = await json<ReturningVisitor[]>(await server.api('/v1/returning?q=rit', { auth: reception }));
    expect(byName.map((r) => r.name).sort()).toEqual(['Rita Other', 'Rita Returning']);
    const rita = byName.find((r) => r.name === 'Rita Returning')!;
    expect(rita).toMatchObject({ mobile: '07700900555', purpose: 'Audit', type_id: 1, has_photo: true });
    expect(rita.thumb_url).toMatch(/^\/v1\/photo\/thumb\//);
    const bySurname = await json<ReturningVisitor[]>(await server.api('/v1/returning?q=returni'));
    expect(bySurname.map((r) => r.name)).toEqual(['Rita Returning']);
    const byMobile = await json<ReturningVisitor[]>(await server.api('/v1/returning?q=077009005'));
    expect(byMobile.length).toBe(2);
    expect(await json<ReturningVisitor[]>(await server.api('/v1/returning?q=erased'))).toEqual([]);
    // A number with its country's +, a double-barrelled name: the same words are found
    // however the store cuts its text into words.
    await add(form({ name: 'Ana Silva-Costa', mobile: '+351912345678' }));
    for (const q of ['%2B3519', '3519', 'costa', 'silva costa']) {
      const found = await json<ReturningVisitor[]>(await server.api(`/v1/returning?q=${q}`));
      expect([q, found.map((r) => r.name)]).toEqual([q, ['Ana Silva-Costa']]);
    }
    const inLog = (await (await server.api('/v1/log/?q=3519%20costa')).json()) as { data: { name: string }[] };
    expect(inLog.data.map((v) => v.name)).toEqual(['Ana Silva-Costa']);
    // By the start of the address their invitation went to.
    const today = new Date().toLocaleDateString('sv');
    const invited = await json<{ expected_id: number }>(
      await server.api(
        '/v1/expected',
        jsonRequest('POST', { name: 'Ines Invited', expected_date: today, email: 'Ines.Invited@Example.org' }),
      ),
    );
    expect((await add(form({ name: 'Ines Invited', expected_id: String(invited.expected_id) }))).status).toBe(200);
    const byEmail = await json<ReturningVisitor[]>(await server.api('/v1/returning?q=INES.invited%40exa'));
    expect(byEmail.map((r) => r.name)).toEqual(['Ines Invited']);
    expect(await json<ReturningVisitor[]>(await server.api('/v1/returning?q=nobody%40'))).toEqual([]);
    expect(await errorCode(await server.api('/v1/returning?q=r'))).toBe('2400');
    expect(await errorCode(await server.api('/v1/returning'))).toBe('2400');
  });

  it('a returning contractor who signed the current version is checked in without signing; after a change they sign again', async () => {
    const types = await json<VisitorType[]>(await server.api('/v1/visitor-types'));
    const contractor = types.find((t) => t.type_id === 2)!;
    const version = String(contractor.agreement_version);
    const person = { type_id: '2', agreement_version: version, name: 'Sam Again', mobile: '07700900777' };
    const first = await add(form(person, { signature: await makeSignature({ seed: 5 }) }));
    expect(first.status).toBe(200);
    const [found] = await json<ReturningVisitor[]>(await server.api('/v1/returning?q=sam%20ag'));
    expect(found!.signed).toEqual([{ agreement_id: contractor.agreement_id, version: Number(version) }]);
    const again = await add(form({ ...person, returning_id: found!.visitor_id }));
    expect(again.status).toBe(200);
    const againId = ((await again.json()) as { visitor_id: string }).visitor_id;
    expect((await visitor(againId)).agreement?.version).toBe(Number(version));
    // Someone else cannot borrow Sam's signature.
    expect(await errorCode(await add(form({ ...person, name: 'Not Sam', returning_id: found!.visitor_id })))).toBe(
      '3404',
    );
    await server.api(
      `/v1/admin/agreements/${contractor.agreement_id}`,
      jsonRequest('PATCH', { text: 'A new rule for everyone.' }),
    );
    const next = String(Number(version) + 1);
    expect(
      await errorCode(await add(form({ ...person, agreement_version: next, returning_id: found!.visitor_id }))),
    ).toBe('2200');
  });
});

describe('watchlist', () => {
  let entry: WatchEntry;

  beforeAll(async () => {
    entry = await json<WatchEntry>(
      await server.api(
        '/v1/admin/watchlist',
        jsonRequest('POST', {
          name: 'José  García',
          mobile: '+44 7700 900999',
          reason: 'Banned after an incident in May',
        }),
      ),
    );
  });

  it('stops a match by name (case, accents and spaces aside) or mobile with 2451 and the reason; nothing stored, the match audited without the name', async () => {
    const before = await logCount();
    const stopped = await add(form({ name: '  jose GARCIA ' }), reception);
    expect(stopped.status).toBe(409);
    const body = (await stopped.json()) as { errors: { code: string; type: string; message: string } };
    expect(body.errors).toMatchObject({ code: '2451', type: 'WatchlistException' });
    expect(body.errors.message).toContain('Banned after an incident in May');
    expect(await errorCode(await add(form({ name: 'Someone Else', mobile: '447700900999' }), reception))).toBe('2451');
    expect(await logCount()).toBe(before);
    const matches = await trail('watchlist.match');
    expect(matches.length).toBe(2);
    expect(matches[0]!.detail).toContain(`Entry ${entry.entry_id}`);
    expect(JSON.stringify(matches).toLowerCase()).not.toContain('garc');
  });

  it('reception staff cannot override nor read the list; an admin lets the person in with a note, audited', async () => {
    const override = { name: 'Jose Garcia', override_watchlist: 'true', watchlist_note: 'Cleared by security today' };
    expect(await errorCode(await add(form(override), reception))).toBe('1300');
    expect(await errorCode(await server.api('/v1/admin/watchlist', { auth: reception }))).toBe('1300');
    expect(await errorCode(await add(form({ ...override, watchlist_note: undefined })))).toBe('2200');
    expect(await errorCode(await add(form({ ...override, watchlist_note: '   ' })))).toBe('2400');
    const response = await add(form(override));
    expect(response.status).toBe(200);
    const id = ((await response.json()) as { visitor_id: string }).visitor_id;
    const [overridden] = await trail('watchlist.override');
    expect(overridden).toMatchObject({ visitor_id: id, detail: `Entry ${entry.entry_id}: Cleared by security today` });
  });

  it('refuses entries of only spaces; a change and a removal leave nothing of the person', async () => {
    for (const body of [
      { name: '   ', reason: 'x' },
      { name: 'Someone', reason: '   ' },
      { name: 'Someone' },
      { name: 'Someone', reason: 'x', mobile: 'call me' },
    ]) {
      expect(await errorCode(await server.api('/v1/admin/watchlist', jsonRequest('POST', body)))).toBe(
        body.reason === undefined ? '2400' : '2400',
      );
    }
    const changed = await json<WatchEntry>(
      await server.api(`/v1/admin/watchlist/${entry.entry_id}`, jsonRequest('PATCH', { reason: 'Ask security first' })),
    );
    expect(changed.reason).toBe('Ask security first');
    expect((await server.api(`/v1/admin/watchlist/${entry.entry_id}`, { method: 'DELETE' })).status).toBe(200);
    expect(await json<WatchEntry[]>(await server.api('/v1/admin/watchlist'))).toEqual([]);
    expect((await add(form({ name: 'José García' }))).status).toBe(200);
    expect(await errorCode(await server.api(`/v1/admin/watchlist/${entry.entry_id}`, { method: 'DELETE' }))).toBe(
      '3404',
    );
  });
});

/** The text of a PDF, by poppler's pdftotext. */
function pdfText(pdf: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-pdf-')), 'copy.pdf');
  fs.writeFileSync(file, pdf);
  try {
    return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/** 48-byte pieces of a PNG's compressed pixel data (its IDAT chunks). */
function compressedPieces(png: Buffer): Buffer[] {
  const idat = png.indexOf('IDAT');
  return [png.subarray(idat + 4, idat + 52), png.subarray(idat + 200, idat + 248)];
}

/** 48-byte pieces of the middle of each compressed stream of a PDF. */
function pdfStreamPieces(pdf: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  let at = pdf.indexOf('stream\n');
  while (at !== -1) {
    const end = pdf.indexOf('endstream', at);
    if (end - at > 200) {
      const middle = at + Math.floor((end - at) / 2);
      pieces.push(pdf.subarray(middle, middle + 48));
    }
    at = pdf.indexOf('stream\n', end);
  }
  expect(pieces.length).toBeGreaterThan(0);
  return pieces;
}
