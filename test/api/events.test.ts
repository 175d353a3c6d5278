import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskEventSchema, type DeskEvent } from '../../src/shared/events';
import { sqlInAnotherProcess } from '../helpers/another-process';
import { makeImage } from '../helpers/images';
import { checkInForm, errorCode, signIn, STAFF, startTestServer, type TestServer } from '../helpers/server';

/** An open /v1/events stream: events as they arrive, and whether the server ended it. */
async function openStream(server: TestServer, token = server.token) {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/v1/events`, {
    headers: { authorization: `Token ${token}` },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const received: DeskEvent[] = [];
  const waiters: (() => void)[] = [];
  const parser = createParser({
    onEvent: (message: EventSourceMessage) => {
      const event = deskEventSchema.parse(JSON.parse(message.data));
      expect(message.event).toBe(event.type);
      received.push(event);
      for (const wake of waiters.splice(0)) wake();
    },
  });
  const ended = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body! as AsyncIterable<Uint8Array>) {
        parser.feed(decoder.decode(chunk, { stream: true }));
      }
    } catch {
      // aborted by the test
    }
    for (const wake of waiters.splice(0)) wake();
  })();
  return {
    received,
    ended,
    /** Waits until an event matching `test` has arrived (the test's own timeout bounds it). */
    async next(test: (event: DeskEvent) => boolean): Promise<DeskEvent> {
      for (;;) {
        const found = received.find(test);
        if (found) return found;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    close: () => controller.abort(),
  };
}

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
    sqlInAnotherProcess(server.dataDir, "INSERT INTO visitees (name) VALUES ('From another desk')");
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
