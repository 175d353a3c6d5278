import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlInAnotherProcess } from '../helpers/another-process';
import { openStream } from '../helpers/event-stream';
import { makeImage } from '../helpers/images';
import { checkInForm, errorCode, signIn, STAFF, startTestServer, type TestServer } from '../helpers/server';

describe('GET /v1/events', () => {
  let server: TestServer;
  let jpeg: Buffer;
  beforeAll(async () => {
    server = await startTestServer();
    jpeg = await makeImage('jpeg');
  });
  afterAll(() => server.stop());

  it('sends a check-in and an exit with the visitor as the log shows it', async () => {
    const stream = await openStream(server);
    const added = await server.api('/v1/add/', { method: 'POST', body: checkInForm(jpeg, { name: 'Grace Hopper' }) });
    const id = ((await added.json()) as { visitor_id: string }).visitor_id;
    const checkin = await stream.next((event) => event.type === 'visitor.checkin');
    expect(checkin).toMatchObject({ visitor_id: id, visitor: { name: 'Grace Hopper', exit_time: null } });
    expect((await server.api(`/v1/exit/${id}`, { method: 'POST' })).status).toBe(200);
    const exit = await stream.next((event) => event.type === 'visitor.exit');
    expect(exit.type === 'visitor.exit' && exit.visitor.exit_time).toMatch(/^\d{4}-\d{2}-\d{2} /);
    stream.close();
  });

  it('gives each stream thumbnail URLs signed for its own token', async () => {
    const other = await signIn(server.url, STAFF.username, STAFF.password);
    const mine = await openStream(server);
    const theirs = await openStream(server, other);
    const added = await server.api('/v1/add/', { method: 'POST', body: checkInForm(jpeg, { name: 'Mary Jackson' }) });
    const id = ((await added.json()) as { visitor_id: string }).visitor_id;
    const urls: string[] = [];
    for (const stream of [mine, theirs]) {
      const event = await stream.next(
        (candidate) => candidate.type === 'visitor.checkin' && candidate.visitor_id === id,
      );
      const url = event.type === 'visitor.checkin' ? event.visitor.thumb_url : undefined;
      expect(url).toMatch(new RegExp(`^/v1/photo/thumb/${id}\\?k=`));
      urls.push(url!);
      stream.close();
    }
    expect(urls[0]).not.toBe(urls[1]);
    await server.api('/v1/oauth/revoke', { method: 'POST', auth: other });
    expect((await server.api(urls[0]!, { auth: false })).status).toBe(200);
    expect(await errorCode(await server.api(urls[1]!, { auth: false }))).toBe('1403');
  });

  it('says the log changed when another process writes to the database', async () => {
    const stream = await openStream(server);
    sqlInAnotherProcess(
      server,
      "INSERT INTO visitees (visitee_no, name) SELECT coalesce(max(visitee_no), 0) + 1, 'From another desk' FROM visitees",
    );
    expect(await stream.next((event) => event.type === 'log.changed')).toEqual({ type: 'log.changed' });
    stream.close();
  });

  it('ends the stream once its token is revoked', async () => {
    const login = await fetch(`${server.url}/v1/oauth/`, { method: 'POST', body: new URLSearchParams(STAFF) });
    const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    const stream = await openStream(server, token);
    await server.api('/v1/oauth/revoke', { method: 'POST', auth: token });
    // The next change would be sent: instead the stream closes, and nothing is delivered.
    await server.api('/v1/add/', { method: 'POST', body: checkInForm(jpeg) });
    await stream.ended;
    expect(stream.received).toEqual([]);
  });

  it('answers 1190 without a token, like every closed endpoint', async () => {
    const response = await server.api('/v1/events', { auth: false });
    expect(response.status).toBe(401);
  });
});
