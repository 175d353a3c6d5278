import type { Visitee } from '../../../shared/api-types';
import type { Db } from '../connection';

export function visiteesRepository(db: Db) {
  const all = db.prepare<[], Visitee>('SELECT visitee_no, name FROM visitees ORDER BY name COLLATE NOCASE');
  const exists = db.prepare<[number], { one: 1 }>('SELECT 1 AS one FROM visitees WHERE visitee_no = ?');
  const insert = db.prepare<[string, string | null]>('INSERT INTO visitees (name, email) VALUES (?, ?)');

  return {
    list: (): Visitee[] => all.all(),
    exists: (visiteeNo: number): boolean => exists.get(visiteeNo) !== undefined,
    insert: (name: string, email: string | null): number => Number(insert.run(name, email).lastInsertRowid),
  };
}

export type VisiteesRepository = ReturnType<typeof visiteesRepository>;
