import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Visitor } from '../../src/shared/api-types';
import { sqlInAnotherProcess } from '../helpers/another-process';
import { makeImage } from '../helpers/images';
import { checkInForm, errorCode, jsonRequest, signIn, startTestServer, type TestServer } from '../helpers/server';

const HOUR = 60 * 60 * 1000;

/**
 * Signed thumbnail URLs (issue #15): `<img src>` loads a face without the token, for one
 * visitor, for at most two hours, and only while the token that listed it is valid.
 */
describe('signed thumbnail URLs', () => {
  let server: TestServer;
  // The server's clock, moved by the tests: half past ten, mid-window.
  let clock = Date.UTC(2026, 10, 28, 10, 30);
  let withPhoto: string;
  let withoutPhoto: string;

  const list = async (token?: string): Promise<Visitor[]> =>
    ((await (await server.api('/v1/get/', token ? { auth: token } : {})).json()) as { data: Visitor[] }).data;
  const urlOf = async (id: string, token?: string): Promise<string | undefined> =>
    (await list(token)).find((visitor) => visitor.visitor_id === id)?.thumb_url;
  const fetchOpen = (url: string): Promise<Response> => server.api(url, { auth: false });

  beforeAll(async () => {
    server = await startTestServer({ now: () => clock });
    const added = await server.api('/v1/add/', {
      method: 'POST',
      body: checkInForm(await makeImage('jpeg', 800, 600)),
    });
    withPhoto = ((await added.json()) as { visitor_id: string }).visitor_id;
    const plain = await server.api('/v1/add/', { method: 'POST', body: checkInForm(null) });
    withoutPhoto = ((await plain.json()) as { visitor_id: string }).visitor_id;
  });
  afterAll(() => server.stop());

  it('comes with every visitor that has a photo, in lists and for one visitor', async () => {
    const url = await urlOf(withPhoto);
    expect(url).toMatch(new RegExp(`^/v1/photo/thumb/${withPhoto}\\?k=[\\w-]+&e=\\d+&s=[\\w-]+$`));
    expect(url).not.toContain(server.token);
    expect(await urlOf(withoutPhoto)).toBeUndefined();
    const log = (await (await server.api('/v1/log/')).json()) as { data: Visitor[] };
    expect(log.data.find((visitor) => visitor.visitor_id === withPhoto)?.thumb_url).toBe(url);
    const one = (await (await server.api(`/v1/get/${withPhoto}`)).json()) as { data: Visitor[] };
    expect(one.data[0]?.thumb_url).toBe(url);
  });

  it('serves the thumbnail without a token, the same bytes, cached only while the URL is good', async () => {
    const url = (await urlOf(withPhoto))!;
    const open = await fetchOpen(url);
    expect(open.status).toBe(200);
    expect(open.headers.get('content-type')).toBe('image/jpeg');
    // Issued at 10:30 for the window after this one: good until 12:00, 90 minutes.
    expect(open.headers.get('cache-control')).toBe('private, max-age=5400, immutable');
    const withToken = await server.api(`/v1/photo/thumb/${withPhoto}`);
    expect(Buffer.from(await open.arrayBuffer())).toEqual(Buffer.from(await withToken.arrayBuffer()));
    const again = await server.api(url, { auth: false, headers: { 'if-none-match': open.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('is the same URL for a whole hour, so the browser cache answers a screen shown again', async () => {
    const url = await urlOf(withPhoto);
    clock += 20 * 60 * 1000;
    expect(await urlOf(withPhoto)).toBe(url);
    clock += HOUR;
    const next = await urlOf(withPhoto);
    expect(next).not.toBe(url);
    // The one handed out before still works until its own expiry.
    expect((await fetchOpen(url!)).status).toBe(200);
    clock += HOUR;
    expect(await errorCode(await fetchOpen(url!))).toBe('1403');
    expect((await fetchOpen(next!)).status).toBe(200);
  });

  it('is refused when any part of it is changed, or it is used for another photo', async () => {
    const url = (await urlOf(withPhoto))!;
    const { searchParams } = new URL(url, server.url);
    const part = (name: string): string => searchParams.get(name) ?? '';
    const [k, e, s] = [part('k'), part('e'), part('s')];
    const flipped = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    const forged = [
      `/v1/photo/thumb/${withPhoto}?k=${k}&e=${e}&s=${flipped(s)}`,
      `/v1/photo/thumb/${withPhoto}?k=${flipped(k)}&e=${e}&s=${s}`,
      // Made to live longer: the expiry is signed.
      `/v1/photo/thumb/${withPhoto}?k=${k}&e=${Number(e) + 3600}&s=${s}`,
      `/v1/photo/thumb/${withoutPhoto}?k=${k}&e=${e}&s=${s}`,
      `/v1/photo/thumb/${withPhoto}?k=${k}&e=${e}&s=${s}&s=${s}`,
      `/v1/photo/thumb/${withPhoto}?k=${k}&e=${e}`,
      `/v1/photo/thumb/${withPhoto}?k=${k}&e=soon&s=${s}`,
      `/v1/photo/thumb/${withPhoto}?k=${k}&e=${e}&s=${s.slice(0, -2)}`,
      `/v1/photo/thumb/${withPhoto}?s=`,
      // Other spellings of the same signature: one URL, one cache entry.
      `/v1/photo/thumb/${withPhoto}?k=${k}&e=${e}&s=${s}==`,
      `/v1/photo/thumb/${withPhoto}?k=${k}&e=0${e}&s=${s}`,
    ];
    for (const target of forged) {
      const response = await fetchOpen(target);
      expect([target, response.status, await errorCode(response)]).toEqual([target, 401, '1403']);
    }
    // The full photo never takes a signed URL: its every view is asked for with the token and audited.
    const full = await fetchOpen(`/v1/photo/${withPhoto}?k=${k}&e=${e}&s=${s}`);
    expect(await errorCode(full)).toBe('1190');
  });

  it('dies with its token: signed out, revoked by another process, or the account deactivated', async () => {
    const signedOut = await signIn(server.url, 'reception', 'correct horse battery');
    const first = (await urlOf(withPhoto, signedOut))!;
    expect((await fetchOpen(first)).status).toBe(200);
    await server.api('/v1/oauth/revoke', { method: 'POST', auth: signedOut });
    expect(await errorCode(await fetchOpen(first))).toBe('1403');

    const revoked = await signIn(server.url, 'reception', 'correct horse battery');
    const second = (await urlOf(withPhoto, revoked))!;
    expect((await fetchOpen(second)).status).toBe(200);
    sqlInAnotherProcess(
      server,
      `UPDATE tokens SET revoked_at = 1 WHERE revoked_at IS NULL AND created_at = (SELECT max(created_at) FROM tokens)`,
    );
    expect(await errorCode(await fetchOpen(second))).toBe('1403');

    const created = await server.api(
      '/v1/admin/users',
      jsonRequest('POST', { username: 'guard', password: 'night shift pass', role: 'reception' }),
    );
    const guardId = ((await created.json()) as { data: { user_id: number } }).data.user_id;
    const guard = await signIn(server.url, 'guard', 'night shift pass');
    const third = (await urlOf(withPhoto, guard))!;
    expect((await fetchOpen(third)).status).toBe(200);
    await server.api(`/v1/admin/users/${guardId}`, jsonRequest('PATCH', { active: false }));
    expect(await errorCode(await fetchOpen(third))).toBe('1403');
  });

  it('keeps the desk’s key however many other sign-ins list visitors meanwhile', async () => {
    const others = (from: number, count: number) => {
      for (let i = from; i < from + count; i++) server.context.auth.thumbUrlSigner(`another sign-in ${i}`)(withPhoto);
    };
    const url = (await urlOf(withPhoto))!;
    others(0, 990);
    expect(await urlOf(withPhoto)).toBe(url);
    // The key map holds a thousand; the desk listed a moment ago, so it is not the oldest.
    others(990, 20);
    expect((await fetchOpen(url)).status).toBe(200);
  });

  it('still demands a token when no signature is given at all', async () => {
    expect(await errorCode(await fetchOpen(`/v1/photo/thumb/${withPhoto}`))).toBe('1190');
  });
});
