import type { Visitee } from '../../../shared/api-types';
import type { Host, HostFields } from '../../../shared/hosts';
import type { Db } from '../connection';
import { nextOwnNumber } from '../own-numbers';

interface HostRow {
  visitee_no: number;
  name: string;
  email: string | null;
  phone: string | null;
  department: string | null;
  active: 0 | 1;
}

const toHost = (row: HostRow): Host => ({ ...row, active: row.active === 1 });

const HOST_COLUMNS = 'visitee_no, name, email, phone, department, active';

export function visiteesRepository(db: Db) {
  const active = db.prepare<[], Visitee>(
    'SELECT visitee_no, name, department FROM visitees WHERE active = 1 ORDER BY name COLLATE NOCASE, visitee_no',
  );
  const all = db.prepare<[], HostRow>(`SELECT ${HOST_COLUMNS} FROM visitees ORDER BY name COLLATE NOCASE, visitee_no`);
  const byNo = db.prepare<[number], HostRow>(`SELECT ${HOST_COLUMNS} FROM visitees WHERE visitee_no = ?`);
  const byEmail = db.prepare<[string], HostRow>(
    `SELECT ${HOST_COLUMNS} FROM visitees WHERE email = ? COLLATE NOCASE AND email IS NOT NULL ORDER BY visitee_no LIMIT 1`,
  );
  const isActive = db.prepare<[number], { one: 1 }>(
    'SELECT 1 AS one FROM visitees WHERE visitee_no = ? AND active = 1',
  );
  const insert = db
    .prepare<[string, string | null, string | null, string | null], number>(
      `INSERT INTO visitees (visitee_no, name, email, phone, department)
       VALUES (${nextOwnNumber('visitees', 'visitee_no')}, ?, ?, ?, ?) RETURNING visitee_no`,
    )
    .pluck();
  const update = db.prepare<[string, string | null, string | null, string | null, 0 | 1, number]>(
    'UPDATE visitees SET name = ?, email = ?, phone = ?, department = ?, active = ? WHERE visitee_no = ?',
  );

  return {
    /** The hosts check-in offers: active ones only. */
    list: (): Visitee[] => active.all(),
    /** Every host, inactive ones too: the admin's list. */
    all: (): Host[] => all.all().map(toHost),
    byNo: (visiteeNo: number): Host | undefined => {
      const row = byNo.get(visiteeNo);
      return row && toHost(row);
    },
    byEmail: (email: string): Host | undefined => {
      const row = byEmail.get(email);
      return row && toHost(row);
    },
    isActive: (visiteeNo: number): boolean => isActive.get(visiteeNo) !== undefined,
    insert: (host: Pick<HostFields, 'name'> & Partial<HostFields>): number =>
      insert.get(host.name, host.email ?? null, host.phone ?? null, host.department ?? null)!,
    update: (host: Host): void => {
      update.run(host.name, host.email, host.phone, host.department, host.active ? 1 : 0, host.visitee_no);
    },
  };
}

export type VisiteesRepository = ReturnType<typeof visiteesRepository>;
