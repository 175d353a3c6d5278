import type { ExpectedStatus, ExpectedVisit } from '../../../shared/expected';
import type { Db } from '../connection';

export interface NewExpectedVisit {
  name: string;
  expected_date: string;
  visitee_no: number | null;
  purpose: string | null;
  mobile: string | null;
  note: string | null;
  created_by: number;
  created_at: number;
}

const SELECT_EXPECTED = `
  SELECT x.expected_id, x.name, x.expected_date, x.visitee_no, e.name AS visitee_name,
         x.purpose, x.mobile, x.note, x.status, x.visitor_id
    FROM expected_visits x
    LEFT JOIN visitees e ON e.visitee_no = x.visitee_no`;

export function expectedVisitsRepository(db: Db) {
  const byDate = db.prepare<[string], ExpectedVisit>(
    `${SELECT_EXPECTED} WHERE x.expected_date = ? ORDER BY x.name COLLATE NOCASE, x.expected_id`,
  );
  const byId = db.prepare<[number], ExpectedVisit>(`${SELECT_EXPECTED} WHERE x.expected_id = ?`);
  const insert = db.prepare<
    [string, string, number | null, string | null, string | null, string | null, number, number]
  >(
    `INSERT INTO expected_visits (name, expected_date, visitee_no, purpose, mobile, note, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const cancel = db.prepare<[number]>(
    "UPDATE expected_visits SET status = 'cancelled' WHERE expected_id = ? AND status = 'expected'",
  );

  return {
    onDate: (date: string): ExpectedVisit[] => byDate.all(date),
    byId: (id: number): (ExpectedVisit & { status: ExpectedStatus }) | undefined => byId.get(id),
    insert: (visit: NewExpectedVisit): number =>
      Number(
        insert.run(
          visit.name,
          visit.expected_date,
          visit.visitee_no,
          visit.purpose,
          visit.mobile,
          visit.note,
          visit.created_by,
          visit.created_at,
        ).lastInsertRowid,
      ),
    /** Returns false when the visit is not open (already arrived or cancelled). */
    cancel: (id: number): boolean => cancel.run(id).changes === 1,
  };
}

export type ExpectedVisitsRepository = ReturnType<typeof expectedVisitsRepository>;
