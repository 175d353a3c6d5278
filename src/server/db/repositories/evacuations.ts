import type { EvacuationKind } from '../../../shared/evacuation';
import type { ImageFormat } from '../../../shared/api-types';
import type { Db } from '../connection';
import { nextOwnNumber } from '../own-numbers';

export interface EvacuationRow {
  evacuation_id: number;
  kind: EvacuationKind;
  started_at: number;
  started_by: string | null;
  closed_at: number | null;
  closed_by: string | null;
  people_count: number;
  accounted_count: number;
}

export interface RollRow {
  visitor_id: string;
  name: string;
  card_no: number;
  mobile: string;
  visitee_name: string | null;
  photo_format: ImageFormat | null;
  thumbhash: Buffer | null;
  accounted_at: number | null;
  accounted_by: string | null;
}

const SELECT_EVACUATION = `
  SELECT x.evacuation_id, x.kind, x.started_at, s.username AS started_by, x.closed_at, c.username AS closed_by,
         (SELECT count(*) FROM evacuation_people p WHERE p.evacuation_id = x.evacuation_id) AS people_count,
         (SELECT count(*) FROM evacuation_people p
           WHERE p.evacuation_id = x.evacuation_id AND p.accounted_at IS NOT NULL) AS accounted_count
    FROM evacuations x
    LEFT JOIN users s ON s.id = x.started_by
    LEFT JOIN users c ON c.id = x.closed_by`;

export function evacuationsRepository(db: Db) {
  const open = db.prepare<[], EvacuationRow>(`${SELECT_EVACUATION} WHERE x.closed_at IS NULL`);
  const byId = db.prepare<[number], EvacuationRow>(`${SELECT_EVACUATION} WHERE x.evacuation_id = ?`);
  const all = db.prepare<[], EvacuationRow>(`${SELECT_EVACUATION} ORDER BY x.started_at, x.evacuation_id`);
  const insert = db
    .prepare<[EvacuationKind, number, number], number>(
      `INSERT INTO evacuations (evacuation_id, kind, started_at, started_by)
       VALUES (${nextOwnNumber('evacuations', 'evacuation_id')}, ?, ?, ?) RETURNING evacuation_id`,
    )
    .pluck();
  // The roll: everyone on the premises at this moment, in the same transaction.
  const freeze = db.prepare<[number]>(
    `INSERT INTO evacuation_people (evacuation_id, visitor_id, visitee_name)
     SELECT ?, v.visitor_id, e.name FROM visitors v LEFT JOIN visitees e ON e.visitee_no = v.visitee_no
      WHERE v.exit_at IS NULL`,
  );
  const people = db.prepare<[number], RollRow>(
    `SELECT v.visitor_id, v.name, v.card_no, v.mobile, p.visitee_name, ph.format AS photo_format, ph.thumbhash,
            p.accounted_at, u.username AS accounted_by
       FROM evacuation_people p
       JOIN visitors v ON v.visitor_id = p.visitor_id
       LEFT JOIN photos ph ON ph.visitor_seq = v.seq
       LEFT JOIN users u ON u.id = p.accounted_by
      WHERE p.evacuation_id = ?
      ORDER BY v.name COLLATE NOCASE, v.card_no`,
  );
  // Marking keeps the first mark (who found them, and when); undoing clears it.
  const mark = db.prepare<[number, number, number, string]>(
    `UPDATE evacuation_people SET accounted_at = coalesce(accounted_at, ?), accounted_by = coalesce(accounted_by, ?)
      WHERE evacuation_id = ? AND visitor_id = ?`,
  );
  const unmark = db.prepare<[number, string]>(
    'UPDATE evacuation_people SET accounted_at = NULL, accounted_by = NULL WHERE evacuation_id = ? AND visitor_id = ?',
  );
  const isOn = db
    .prepare<[number, string], number>('SELECT 1 FROM evacuation_people WHERE evacuation_id = ? AND visitor_id = ?')
    .pluck();
  const close = db.prepare<[number, number, number]>(
    'UPDATE evacuations SET closed_at = ?, closed_by = ? WHERE evacuation_id = ? AND closed_at IS NULL',
  );

  // Someone who was on the premises at the alarm after all (an exit recorded by mistake, undone).
  const addToOpen = db.prepare<[string]>(
    `INSERT INTO evacuation_people (evacuation_id, visitor_id, visitee_name)
     SELECT x.evacuation_id, v.visitor_id, e.name
       FROM evacuations x, visitors v LEFT JOIN visitees e ON e.visitee_no = v.visitee_no
      WHERE x.closed_at IS NULL AND v.visitor_id = ?
     ON CONFLICT DO NOTHING`,
  );

  return {
    /** Puts a visitor on the open roll, if there is one; its ID when they were added. */
    addToOpenRoll: (visitorId: string): number | undefined =>
      addToOpen.run(visitorId).changes > 0 ? open.get()?.evacuation_id : undefined,
    open: (): EvacuationRow | undefined => open.get(),
    byId: (id: number): EvacuationRow | undefined => byId.get(id),
    /** Every roll this desk holds, from the first started. */
    all: (): EvacuationRow[] => all.all(),
    people: (id: number): RollRow[] => people.all(id),
    /** Starts a roll call and freezes its roll; run inside a write transaction. */
    start: (kind: EvacuationKind, now: number, userId: number): number => {
      const id = insert.get(kind, now, userId)!;
      freeze.run(id);
      return id;
    },
    /** Marks (or, with nulls, unmarks) one person; false when they are not on that roll. */
    mark: (id: number, visitorId: string, at: number | null, by: number | null): boolean =>
      (at === null || by === null ? unmark.run(id, visitorId) : mark.run(at, by, id, visitorId)).changes === 1,
    close: (id: number, now: number, userId: number): boolean => close.run(now, userId, id).changes === 1,
    isOn: (id: number, visitorId: string): boolean => isOn.get(id, visitorId) !== undefined,
  };
}

export type EvacuationsRepository = ReturnType<typeof evacuationsRepository>;
