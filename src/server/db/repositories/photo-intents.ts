import type { ImageFormat } from '../../../shared/api-types';
import type { Db } from '../connection';

export interface PhotoIntent {
  visitor_id: string;
  format: ImageFormat;
}

export function photoIntentsRepository(db: Db) {
  // A photo fetched again from another desk, after a fetch that did not reach its commit, takes the intent over.
  const insert = db.prepare<[string, string, number]>(
    `INSERT INTO photo_intents (visitor_id, format, created_at) VALUES (?, ?, ?)
     ON CONFLICT (visitor_id) DO UPDATE SET format = excluded.format, created_at = excluded.created_at`,
  );
  const one = db.prepare<[string], PhotoIntent>('SELECT visitor_id, format FROM photo_intents WHERE visitor_id = ?');
  const remove = db.prepare<[string]>('DELETE FROM photo_intents WHERE visitor_id = ?');
  const before = db.prepare<[number], PhotoIntent>('SELECT visitor_id, format FROM photo_intents WHERE created_at < ?');
  // Committed with its photo, a check-in ends its intent; one left over names files no photo row does.
  const photoCommitted = db.prepare<[string], { one: 1 }>(
    'SELECT 1 AS one FROM visitors v JOIN photos p ON p.visitor_seq = v.seq WHERE v.visitor_id = ?',
  );

  return {
    add: (visitorId: string, format: ImageFormat, now: number): void => {
      insert.run(visitorId, format, now);
    },
    of: (visitorId: string): PhotoIntent | undefined => one.get(visitorId),
    remove: (visitorId: string): void => {
      remove.run(visitorId);
    },
    /**
     * Intents whose photo never committed (a check-in cut short, a photo fetched from another
     * desk for a batch that never came, or came with the visitor erased): their files, if any,
     * are orphans. Only those made before `cutoff`: a later one may be a check-in still
     * under way in another process.
     */
    unfinished: (cutoff: number): PhotoIntent[] =>
      before.all(cutoff).filter((i) => photoCommitted.get(i.visitor_id) === undefined),
  };
}

export type PhotoIntentsRepository = ReturnType<typeof photoIntentsRepository>;
