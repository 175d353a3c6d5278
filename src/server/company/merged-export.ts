import type { VisitorRecord } from '../db/repositories/visitors';
import type { SiteVisitorRecord } from '../services/log-export';

/** Rows a merged export hands on at once: about as many as one store's batch, a few times over. */
const BATCH = 200;

/**
 * The CSV export of every store a company server holds, as one (API contract Part 6): each
 * store's batches, newest first, merged by entry time as the merged log is
 * (company/merged-log.ts), each row saying its site. A store is read a batch at a time only
 * when its rows run out, so memory holds a batch of each store whatever their size.
 */
export function* mergedExport(
  sources: { site: string; batches: Iterator<VisitorRecord[]> }[],
): Generator<SiteVisitorRecord[]> {
  const queues = sources.map((source) => ({ ...source, rows: [] as VisitorRecord[], at: 0, done: false }));
  const refill = (queue: (typeof queues)[number]): void => {
    while (!queue.done && queue.at >= queue.rows.length) {
      const next = queue.batches.next();
      if (next.done) queue.done = true;
      else [queue.rows, queue.at] = [next.value, 0];
    }
  };
  queues.forEach(refill);
  let out: SiteVisitorRecord[] = [];
  for (;;) {
    let newest: (typeof queues)[number] | undefined;
    for (const queue of queues) {
      const head = queue.rows[queue.at];
      if (head && (!newest || head.entry_at > newest.rows[newest.at]!.entry_at)) newest = queue;
    }
    if (!newest) break;
    out.push({ ...newest.rows[newest.at++]!, site: newest.site });
    refill(newest);
    if (out.length >= BATCH) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}
