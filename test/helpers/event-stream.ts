import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { expect } from 'vitest';
import { deskEventSchema, type DeskEvent } from '../../src/shared/events';
import type { TestServer } from './server';

/** An open /v1/events stream: events as they arrive, and whether the server ended it. */
export async function openStream(server: Pick<TestServer, 'url' | 'token'>, token = server.token) {
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
