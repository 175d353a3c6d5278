import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/server/context';
import { formatLocalDate } from '../../src/shared/dates';
import { makeImage } from '../helpers/images';
import { checkInForm, jsonRequest, signIn, startTestServer, type TestServer } from '../helpers/server';

interface ChangeRow {
  origin: string;
  seq: number;
  kind: string;
  key: string;
}

/** The change log as a second connection reads it from the file. */
function changeLog(server: TestServer): { deskId: string; changes: ChangeRow[] } {
  const db = new Database(path.join(server.dataDir, DATABASE_FILE), { readonly: true });
  try {
    return {
      deskId: db.prepare('SELECT desk_id FROM this_desk').pluck().get() as string,
      changes: db.prepare('SELECT origin, seq, kind, key FROM change_log ORDER BY origin, seq').all() as ChangeRow[],
    };
  } finally {
    db.close();
  }
}

describe('the change log', () => {
  let server: TestServer;
  let seen = 0;
  /** The changes recorded since the last call, as `kind key`. */
  const newChanges = (): string[] => {
    const { changes } = changeLog(server);
    const fresh = changes.slice(seen);
    seen = changes.length;
    return fresh.map((change) => `${change.kind} ${change.key}`);
  };

  beforeAll(async () => {
    server = await startTestServer();
    newChanges();
  });
  afterAll(() => server.stop());

  it('records each thing a write changed, once, with this desk as its origin and numbers without a gap', async () => {
    const host = (await (
      await server.api('/v1/admin/visitees', jsonRequest('POST', { name: 'Ada Lovelace' }))
    ).json()) as { data: { visitee_no: number } };
    expect(newChanges()).toEqual([`host ${host.data.visitee_no}`]);

    const expected = (await (
      await server.api(
        '/v1/expected/',
        jsonRequest('POST', { name: 'Expected Guest', expected_date: formatLocalDate(new Date()) }),
      )
    ).json()) as { data: { expected_id: number } };
    expect(newChanges()).toEqual([`expected ${expected.data.expected_id}`]);

    // A check-in that fulfils an expected visit: the visitor (row and photo, one change) and the visit.
    const form = checkInForm(await makeImage('jpeg', 120, 90), { visitee_no: String(host.data.visitee_no) });
    form.set('expected_id', String(expected.data.expected_id));
    const added = (await (await server.api('/v1/add/', { method: 'POST', body: form })).json()) as {
      visitor_id: string;
    };
    expect(newChanges().sort()).toEqual([`expected ${expected.data.expected_id}`, `visitor ${added.visitor_id}`]);

    await server.api('/v1/admin/settings', jsonRequest('PATCH', { badge_size: 'a6' }));
    expect(newChanges()).toEqual(['setting badge_size']);

    const staff = (await (
      await server.api('/v1/admin/users', jsonRequest('POST', { username: 'door', password: 'a door password' }))
    ).json()) as { data: { user_id: number } };
    expect(newChanges()).toEqual([`account ${staff.data.user_id}`]);

    await server.api(`/v1/exit/${added.visitor_id}`);
    expect(newChanges()).toEqual([`visitor ${added.visitor_id}`]);
    // The erasure reaches the expected visit that named them too.
    await server.api(`/v1/admin/visitors/${added.visitor_id}/erase`, jsonRequest('POST', { reason: 'request' }));
    expect(newChanges().sort()).toEqual([`expected ${expected.data.expected_id}`, `visitor ${added.visitor_id}`]);

    const { deskId, changes } = changeLog(server);
    expect(deskId).toMatch(/^[0-9a-f]{32}$/);
    expect(changes.every((change) => change.origin === deskId)).toBe(true);
    expect(changes.map((change) => change.seq)).toEqual(changes.map((_, index) => index + 1));
  });

  it('records nothing for what only this desk keeps (a sign-in) or for a change refused', async () => {
    await signIn(server.url, 'door', 'a door password');
    const refused = await server.api('/v1/add/', { method: 'POST', body: checkInForm(Buffer.from('not an image')) });
    expect(refused.status).toBe(415);
    expect(newChanges()).toEqual([]);
  });
});
