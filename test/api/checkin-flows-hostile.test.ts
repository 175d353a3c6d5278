import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Visitor } from '../../src/shared/api-types';
import type { AuditEntry } from '../../src/shared/audit';
import { filesContaining } from '../helpers/data-folder';
import { makeImage } from '../helpers/images';
import { rawRequest } from '../helpers/raw-http';
import { checkInForm, errorCode, jsonRequest, startTestServer, type TestServer } from '../helpers/server';
import { makeSignature } from '../helpers/signature';

/**
 * Part 5 under attack (each case found by a review of the first version): crafted PNGs and
 * Markdown against the signed copy, names that slip past the watchlist, changes made while a
 * check-in is under way, and what a removal or an erasure leaves behind.
 */
let server: TestServer;
let photo: Buffer;
let agreementId: number;

async function data<T>(response: Response): Promise<T> {
  return ((await response.json()) as { data: T }).data;
}

function signedForm(fields: Record<string, string>, signature: Buffer, image: Buffer | null = photo): FormData {
  const form = checkInForm(image, { type_id: '2', ...fields });
  form.set('signature', new Blob([new Uint8Array(signature)], { type: 'image/png' }), 'signature.png');
  return form;
}

const add = (body: FormData) => server.api('/v1/add/', { method: 'POST', body });
const idOf = async (response: Response): Promise<string> => {
  expect(response.status).toBe(200);
  return ((await response.json()) as { visitor_id: string }).visitor_id;
};
const version = async (): Promise<string> =>
  String((await data<{ version: number }>(await server.api(`/v1/agreements/${agreementId}`))).version);

/** A PNG's chunks, rewritten: `end` replaces the IEND chunk (its 12 bytes). */
function withEnd(png: Buffer, end: Buffer): Buffer {
  return Buffer.concat([png.subarray(0, png.length - 12), end]);
}

beforeAll(async () => {
  server = await startTestServer();
  photo = await makeImage('jpeg', 320, 240);
  agreementId = (
    await data<{ agreement_id: number }>(
      await server.api('/v1/admin/agreements', jsonRequest('POST', { title: 'Rules', text: 'Be careful.' })),
    )
  ).agreement_id;
  await server.api('/v1/admin/visitor-types/2', jsonRequest('PATCH', { agreement_id: agreementId }));
});
afterAll(() => server.stop());

describe('the signed copy cannot be broken', () => {
  it('a crafted PNG (no end chunk, a chunk length near 2^32) is stored as drawn again: its copy renders', async () => {
    const signature = await makeSignature({ seed: 2 });
    const crafted = [
      withEnd(signature, Buffer.alloc(0)),
      withEnd(signature, Buffer.from([0xff, 0xff, 0xff, 0xf4, 0x49, 0x45, 0x4e, 0x44, 0, 0, 0, 0])),
    ];
    for (const [i, png] of crafted.entries()) {
      const answer = await add(signedForm({ name: `Crafted Png ${i}`, agreement_version: await version() }, png));
      if (answer.status !== 200) {
        // Refused as not a PNG is as good: nothing stored.
        expect(await errorCode(answer)).toBe('2415');
        continue;
      }
      const id = await idOf(answer);
      const pdf = await server.api(`/v1/visitors/${id}/agreement.pdf`);
      expect(pdf.status).toBe(200);
      expect(
        Buffer.from(await pdf.arrayBuffer())
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');
    }
    // The desk still answers.
    expect((await server.api('/v1/visitor-types')).status).toBe(200);
  });

  it('refuses Markdown nested more than 8 deep; a 20,000-character word still lays out', async () => {
    for (const text of ['>'.repeat(5000) + ' x', '1. '.repeat(6000), '- - - - - - - - - deep']) {
      const answer = await server.api(`/v1/admin/agreements/${agreementId}`, jsonRequest('PATCH', { text }));
      expect(await errorCode(answer)).toBe('2400');
    }
    const word = 'W'.repeat(20_000);
    await server.api(`/v1/admin/agreements/${agreementId}`, jsonRequest('PATCH', { text: `**${word}**` }));
    const id = await idOf(
      await add(signedForm({ name: 'Long Word', agreement_version: await version() }, await makeSignature())),
    );
    const pdf = await server.api(`/v1/visitors/${id}/agreement.pdf`);
    expect(pdf.status).toBe(200);
  });

  it('a HEAD of the signed copy shows nothing and records nothing', async () => {
    const id = await idOf(
      await add(signedForm({ name: 'Head Only', agreement_version: await version() }, await makeSignature())),
    );
    const before = (await data<AuditEntry[]>(await server.api('/v1/admin/audit?action=agreement.view'))).length;
    const port = Number(new URL(server.url).port);
    const head = await rawRequest(port, 'HEAD', `/v1/visitors/${id}/agreement.pdf`, {
      authorization: `Token ${server.token}`,
    });
    expect(head.status).toBe(200);
    const after = (await data<AuditEntry[]>(await server.api('/v1/admin/audit?action=agreement.view'))).length;
    expect(after).toBe(before);
  });
});

describe('what is sent and what it means', () => {
  it('refuses a signature for a type that signs nothing, and an override that is not true or false', async () => {
    const visitor = checkInForm(photo, { name: 'Plain Signer', type_id: '1' });
    visitor.set('signature', new Blob([new Uint8Array(await makeSignature())]), 's.png');
    expect(await errorCode(await add(visitor))).toBe('2400');
    expect(await errorCode(await add(checkInForm(photo, { override_watchlist: 'yes', watchlist_note: 'x' })))).toBe(
      '2400',
    );
  });

  it('an agreement keeps at most 100 versions', async () => {
    const before = Number(await version());
    for (let i = before; i < 100; i++) {
      const answer = await server.api(
        `/v1/admin/agreements/${agreementId}`,
        jsonRequest('PATCH', { text: `Version ${i + 1}.` }),
      );
      expect(answer.status).toBe(200);
    }
    const over = await server.api(`/v1/admin/agreements/${agreementId}`, jsonRequest('PATCH', { text: 'One more.' }));
    expect(await errorCode(over)).toBe('2409');
  });
});

describe('the watchlist is not slipped past', () => {
  it('stops names with a phone’s apostrophe, a full stop, or blank-looking fillers', async () => {
    for (const name of ["Sean O'Brien", 'Evil Person']) {
      await server.api('/v1/admin/watchlist', jsonRequest('POST', { name, reason: `Stop ${name}` }));
    }
    for (const name of ['Sean O’Brien', 'Evil Person.', 'Evil\u3164Person', 'Evil\u2800Person', 'evil-person']) {
      expect(await errorCode(await add(checkInForm(photo, { name }))), name).toBe('2451');
    }
  });

  it('an entry made, or a type changed, while a check-in stores its photo stops that check-in', async () => {
    const ctx = server.context;
    const store = ctx.store;
    const writeFile = store.writeFile.bind(store);
    /** Holds the next check-in between its photo's files and its commit, while `meanwhile` runs. */
    async function whilePlacing<T>(checkIn: () => Promise<T>, meanwhile: () => void): Promise<T> {
      let reached!: () => void;
      const placing = new Promise<void>((resolve) => (reached = resolve));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      // The thumbnail is the last file a check-in writes before its commit.
      store.writeFile = async (visitorId, kind, format, bytes) => {
        await writeFile(visitorId, kind, format, bytes);
        if (kind !== 'thumb') return;
        reached();
        await gate;
      };
      try {
        const pending = checkIn();
        pending.catch(() => undefined);
        await placing;
        meanwhile();
        release();
        return await pending;
      } finally {
        store.writeFile = writeFile;
      }
    }
    const fields = { cardno: 9001, name: 'Late Entry', mobile: '+447700900001', purpose: 'Meeting' };
    await expect(
      whilePlacing(
        () => ctx.visitors.checkIn(fields, photo, 1),
        () => ctx.watchlist.create({ name: 'Late Entry', mobile: null, email: null, reason: 'Added just now' }, 1),
      ),
    ).rejects.toMatchObject({ code: '2451' });
    await expect(
      whilePlacing(
        () => ctx.visitors.checkIn({ ...fields, cardno: 9002, name: 'Type Changed' }, photo, 1, { typeId: 3 }),
        () => ctx.types.change(3, { agreement_id: agreementId }, 1),
      ),
    ).rejects.toMatchObject({ code: '2409' });
    const log = await data<Visitor[]>(await server.api('/v1/log?limit=200'));
    expect(log.some((v) => v.name === 'Late Entry' || v.name === 'Type Changed')).toBe(false);
    // What the two check-ins had written is gone: no photo file names them.
    expect(ctx.db.prepare('SELECT count(*) AS n FROM photo_intents').get() as { n: number }).toEqual({ n: 0 });
  });

  it('a removed entry leaves nothing of the person in any file of the data folder', async () => {
    const entry = await data<{ entry_id: number }>(
      await server.api('/v1/admin/watchlist', jsonRequest('POST', { name: 'Zebulon Removable', reason: 'Quietly' })),
    );
    await server.api(`/v1/admin/watchlist/${entry.entry_id}`, { method: 'DELETE' });
    expect(filesContaining(server.dataDir, ['Zebulon Removable'])).toEqual([]);
  });
});

describe('a returning visitor’s copy', () => {
  it('holds the name of its own visit: erasing the earlier visit leaves nothing of its name', async () => {
    const v = await version();
    const first = await idOf(
      await add(
        signedForm({ name: 'Ångström Öberg', mobile: '+447700900444', agreement_version: v }, await makeSignature()),
      ),
    );
    const again = checkInForm(photo, {
      name: 'angstrom oberg',
      mobile: '+447700900444',
      type_id: '2',
      agreement_version: v,
      returning_id: first,
    });
    const second = await idOf(await add(again));
    await server.api(`/v1/exit/${first}`);
    expect(
      (await server.api(`/v1/admin/visitors/${first}/erase`, jsonRequest('POST', { reason: 'request' }))).status,
    ).toBe(200);
    expect(filesContaining(server.dataDir, ['Ångström Öberg'])).toEqual([]);
    expect((await server.api(`/v1/visitors/${second}/agreement.pdf`)).status).toBe(200);
  });
});
