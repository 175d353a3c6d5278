import { createParser } from 'eventsource-parser';
import { deskEventSchema, type DeskEvent } from '../../../shared/events';
import { ApiRequestError, openStream } from './api';

/**
 * Reads GET /v1/events until it ends. fetch, not EventSource: EventSource cannot send the
 * Authorization header, and the token must never travel in a URL. Resolves when the
 * server or the network ends the stream; rejects with ApiRequestError when refused.
 */
export async function readDeskEvents(
  token: string,
  signal: AbortSignal,
  handlers: { onOpen: () => void; onEvent: (event: DeskEvent) => void },
): Promise<void> {
  const response = await openStream('/v1/events', { token, signal });
  handlers.onOpen();
  const parser = createParser({
    onEvent: (message) => {
      const parsed = deskEventSchema.safeParse(JSON.parse(message.data));
      // An event this version does not know: the log may have changed in a way it cannot follow.
      handlers.onEvent(parsed.success ? parsed.data : { type: 'log.changed' });
    },
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    parser.feed(value);
  }
}

export const isRefusal = (error: unknown): boolean =>
  error instanceof ApiRequestError && error.code !== 'network' && error.code !== '5501';
