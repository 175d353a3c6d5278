import type { ExpectedStatus, ExpectedVisit } from '../../../shared/expected';
import type { Db } from '../connection';
import { nextOwnNumber } from '../own-numbers';

export interface NewExpectedVisit {
  name: string;
  expected_date: string;
  expected_time: string | null;
  visitee_no: number | null;
  purpose: string | null;
  mobile: string | null;
  note: string | null;
  created_by: number;
  created_at: number;
}

const SELECT_EXPECTED = `
  SELECT x.expected_id, x.name, x.expected_date, x.expected_time, x.visitee_no, e.name AS visitee_name,
         x.purpose, x.mobile, x.note, x.status, x.visitor_id
    FROM expected_visits x
    LEFT JOIN visitees e ON e.visitee_no = x.visitee_no`;

export function expectedVisitsRepository(db: Db) {
  // By day, then by the time due (visits without one after those with), then by name.
  const inRange = db.prepare<[string, string], ExpectedVisit>(
    `${SELECT_EXPECTED} WHERE x.expected_date BETWEEN ? AND ?
      ORDER BY x.expected_date, x.expected_time IS NULL, x.expected_time, x.name COLLATE NOCASE, x.expected_id`,
  );
  const byId = db.prepare<[number], ExpectedVisit>(`${SELECT_EXPECTED} WHERE x.expected_id = ?`);
  const insert = db.prepare<[NewExpectedVisit]>(
    `INSERT INTO expected_visits
       (expected_id, name, expected_date, expected_time, visitee_no, purpose, mobile, note, created_by, created_at)
     VALUES (${nextOwnNumber('expected_visits', 'expected_id')}, @name, @expected_date, @expected_time, @visitee_no,
             @purpose, @mobile, @note, @created_by, @created_at)`,
  );
  const cancel = db.prepare<[number]>(
    "UPDATE expected_visits SET status = 'cancelled' WHERE expected_id = ? AND status = 'expected'",
  );

  return {
    /** The visits of the days from `from` to `to`, inclusive. */
    inRange: (from: string, to: string): ExpectedVisit[] => inRange.all(from, to),
    byId: (id: number): (ExpectedVisit & { status: ExpectedStatus }) | undefined => byId.get(id),
    insert: (visit: NewExpectedVisit): number => Number(insert.run(visit).lastInsertRowid),
    /** Returns false when the visit is not open (already arrived or cancelled). */
    cancel: (id: number): boolean => cancel.run(id).changes === 1,
  };
}

export type ExpectedVisitsRepository = ReturnType<typeof expectedVisitsRepository>;
