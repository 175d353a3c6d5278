import type { DeskEvent } from '../../shared/events';

type Listener = (event: DeskEvent) => void;

/**
 * The in-process bus behind GET /v1/events: services publish what changed, each open
 * stream listens. A change made by another process on the same data folder (a second
 * desk, the CLI) is seen through SQLite's data_version, checked once a second, and
 * published as `log.changed`.
 */
export function deskEvents(deps: { externalChangeCounter: () => number; pollMs?: number }) {
  const listeners = new Set<Listener>();
  /** Listeners to this process's own publications only (hear). */
  const hearers = new Set<Listener>();
  let seen = deps.externalChangeCounter();
  let timer: NodeJS.Timeout | undefined;

  function publish(event: DeskEvent): void {
    for (const listener of listeners) listener(event);
    for (const listener of hearers) listener(event);
  }

  function pollForeignChanges(): void {
    let now: number;
    try {
      now = deps.externalChangeCounter();
    } catch {
      // A company server's database down a moment (its requests answer 5501): asked again next time.
      return;
    }
    if (now === seen) return;
    seen = now;
    publish({ type: 'log.changed' });
  }

  return {
    publish,
    /** Listens until the returned function is called. Polling runs only while someone listens. */
    subscribe(listener: Listener): () => void {
      listeners.add(listener);
      if (!timer) {
        seen = deps.externalChangeCounter();
        timer = setInterval(pollForeignChanges, deps.pollMs ?? 1000);
        timer.unref();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    /**
     * Listens to what this process publishes only, until the returned function is called: a
     * company server looks for its sites' changes made elsewhere itself, for all of them in
     * one query (company/company-sites.ts).
     */
    hear(listener: Listener): () => void {
      hearers.add(listener);
      return () => void hearers.delete(listener);
    },
    /** How many streams are open: the desks that are listening now. */
    listeners: (): number => listeners.size,
    close(): void {
      listeners.clear();
      hearers.clear();
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

export type DeskEvents = ReturnType<typeof deskEvents>;
