import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiRequestError } from '../lib/api';
import { isRefusal, readDeskEvents } from '../lib/event-stream';
import { applyDeskEvent } from './visitor-cache';
import { expectedKeys } from './expected';
import { visitorKeys } from './visitors';

/** Waits between reconnection attempts: quick at first, then no more often than this. */
const RETRY_MS = [500, 1000, 2000, 5000];

/**
 * Keeps the cached log current from GET /v1/events for as long as the desk is open.
 * Returns whether the stream is up: while it is, the log queries do not poll. Every
 * (re)connection re-reads the log, since changes made while it was down were not seen.
 */
export function useLiveUpdates(token: string, onSessionEnded: () => void): boolean {
  const client = useQueryClient();
  const [live, setLive] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    let attempt = 0;
    let connectedBefore = false;

    async function run(): Promise<void> {
      while (!controller.signal.aborted) {
        try {
          await readDeskEvents(token, controller.signal, {
            onOpen: () => {
              attempt = 0;
              setLive(true);
              if (connectedBefore) {
                void client.invalidateQueries({ queryKey: visitorKeys.all });
                void client.invalidateQueries({ queryKey: expectedKeys.all });
              }
              connectedBefore = true;
            },
            onEvent: (event) => applyDeskEvent(client, event),
          });
        } catch (error) {
          if (controller.signal.aborted) break;
          // The server ended the session: the desk shows sign-in now, not at its next click.
          if (error instanceof ApiRequestError && error.isAuthFailure) {
            onSessionEnded();
            break;
          }
          if (isRefusal(error)) break;
        }
        setLive(false);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]));
      }
      setLive(false);
    }
    void run();
    return () => controller.abort();
  }, [client, token, onSessionEnded]);

  return live;
}
