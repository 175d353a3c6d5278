import type { ImageFormat } from '../../../shared/api-types';
import type { Db } from '../connection';

export interface PhotoIntent {
  visitor_id: string;
  format: ImageFormat;
}

export function photoIntentsRepository(db: Db) {
  const insert = db.prepare<[string, string, number]>(
    'INSERT INTO photo_intents (visitor_id, format, created_at) VALUES (?, ?, ?)',
  );
  const remove = db.prepare<[string]>('DELETE FROM photo_intents WHERE visitor_id = ?');
  const all = db.prepare<[], PhotoIntent>('SELECT visitor_id, format FROM photo_intents');
  const visitorExists = db.prepare<[string], { one: 1 }>('SELECT 1 AS one FROM visitors WHERE visitor_id = ?');

  return {
    add: (visitorId: string, format: ImageFormat, now: number): void => {
      insert.run(visitorId, format, now);
    },
    remove: (visitorId: string): void => {
      remove.run(visitorId);
    },
    /** Intents whose check-in never committed: their files, if any, are orphans. */
    unfinished: (): PhotoIntent[] => all.all().filter((i) => visitorExists.get(i.visitor_id) === undefined),
  };
}

export type PhotoIntentsRepository = ReturnType<typeof photoIntentsRepository>;
