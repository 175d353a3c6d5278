import type { ExpectedStatus, ExpectedVisit } from '../../../shared/expected';
import { formatLocalTime } from '../../time-format';
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
  email: string | null;
  invite_token: string;
  created_by: number;
  created_at: number;
}

const SELECT_EXPECTED = `
  SELECT x.expected_id, x.name, x.expected_date, x.expected_time, x.visitee_no, e.name AS visitee_name,
         x.purpose, x.mobile, x.note, x.status, x.visitor_id, x.email, x.invited_at
    FROM expected_visits x
    LEFT JOIN visitees e ON e.visitee_no = x.visitee_no`;

type ExpectedRow = Omit<ExpectedVisit, 'invited_time'> & { invited_at: number | null };

function toExpected({ invited_at, ...row }: ExpectedRow): ExpectedVisit {
  return { ...row, invited_time: invited_at === null ? null : formatLocalTime(invited_at) };
}

export function expectedVisitsRepository(db: Db) {
  // By day, then by the time due (visits without one after those with), then by name.
  const inRange = db.prepare<[string, string], ExpectedRow>(
    `${SELECT_EXPECTED} WHERE x.expected_date BETWEEN ? AND ?
      ORDER BY x.expected_date, x.expected_time IS NULL, x.expected_time, x.name COLLATE NOCASE, x.expected_id`,
  );
  const byId = db.prepare<[number], ExpectedRow>(`${SELECT_EXPECTED} WHERE x.expected_id = ?`);
  const insert = db
    .prepare<[NewExpectedVisit], number>(
      `INSERT INTO expected_visits
         (expected_id, name, expected_date, expected_time, visitee_no, purpose, mobile, note, email, invite_token,
          created_by, created_at)
       VALUES (${nextOwnNumber('expected_visits', 'expected_id')}, @name, @expected_date, @expected_time, @visitee_no,
               @purpose, @mobile, @note, @email, @invite_token, @created_by, @created_at)
       RETURNING expected_id`,
    )
    .pluck();
  const byToken = db.prepare<[string], ExpectedRow>(`${SELECT_EXPECTED} WHERE x.invite_token = ?`);
  const tokenOf = db
    .prepare<[number], string | null>('SELECT invite_token FROM expected_visits WHERE expected_id = ?')
    .pluck();
  const invited = db.prepare<[number, number]>(
    'UPDATE expected_visits SET invited_at = ? WHERE expected_id = ? AND invited_at IS NULL',
  );
  const cancel = db.prepare<[number]>(
    "UPDATE expected_visits SET status = 'cancelled' WHERE expected_id = ? AND status = 'expected'",
  );

  return {
    /** The visits of the days from `from` to `to`, inclusive. */
    inRange: (from: string, to: string): ExpectedVisit[] => inRange.all(from, to).map(toExpected),
    byId: (id: number): (ExpectedVisit & { status: ExpectedStatus }) | undefined => {
      const row = byId.get(id);
      return row && toExpected(row);
    },
    byToken: (token: string): ExpectedVisit | undefined => {
      const row = byToken.get(token);
      return row && toExpected(row);
    },
    /** The token its invitation's QR code holds. */
    tokenOf: (id: number): string | null | undefined => tokenOf.get(id),
    /** Records when the invitation went out (the first time: a re-send does not move it). */
    invited: (id: number, at: number): void => {
      invited.run(at, id);
    },
    insert: (visit: NewExpectedVisit): number => insert.get(visit)!,
    /** Returns false when the visit is not open (already arrived or cancelled). */
    cancel: (id: number): boolean => cancel.run(id).changes === 1,
  };
}

export type ExpectedVisitsRepository = ReturnType<typeof expectedVisitsRepository>;
