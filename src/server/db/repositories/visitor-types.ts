import type { VisitorType, VisitorTypeFields } from '../../../shared/visitor-types';
import type { Db } from '../connection';
import { nextOwnNumber } from '../own-numbers';

export interface VisitorTypeRow {
  type_id: number;
  name: string;
  color: string;
  photo_required: 0 | 1;
  agreement_id: number | null;
  badge_note: string | null;
  active: 0 | 1;
}

const COLUMNS = 'type_id, name, color, photo_required, agreement_id, badge_note, active';

const toType = (row: VisitorTypeRow & { agreement_version: number | null }): VisitorType => ({
  ...row,
  photo_required: row.photo_required === 1,
  active: row.active === 1,
});

export function visitorTypesRepository(db: Db) {
  const select = `SELECT t.type_id, t.name, t.color, t.photo_required, t.agreement_id, t.badge_note, t.active,
                         a.version AS agreement_version
                    FROM visitor_types t LEFT JOIN agreements a ON a.agreement_id = t.agreement_id`;
  const all = db.prepare<[], VisitorTypeRow & { agreement_version: number | null }>(`${select} ORDER BY t.type_id`);
  const byId = db.prepare<[number], VisitorTypeRow & { agreement_version: number | null }>(
    `${select} WHERE t.type_id = ?`,
  );
  const named = db
    .prepare<[string, number], number>(
      'SELECT type_id FROM visitor_types WHERE name = ? COLLATE NOCASE AND type_id <> ?',
    )
    .pluck();
  const insert = db
    .prepare<[Omit<VisitorTypeRow, 'type_id' | 'active'>], number>(
      `INSERT INTO visitor_types (type_id, name, color, photo_required, agreement_id, badge_note)
       VALUES (${nextOwnNumber('visitor_types', 'type_id')}, @name, @color, @photo_required, @agreement_id, @badge_note)
       RETURNING type_id`,
    )
    .pluck();
  const update = db.prepare<[VisitorTypeRow]>(
    `UPDATE visitor_types SET name = @name, color = @color, photo_required = @photo_required,
            agreement_id = @agreement_id, badge_note = @badge_note, active = @active WHERE type_id = @type_id`,
  );
  const raw = db.prepare<[number], VisitorTypeRow>(`SELECT ${COLUMNS} FROM visitor_types WHERE type_id = ?`);
  const upsert = db.prepare<[VisitorTypeRow]>(
    `INSERT INTO visitor_types (${COLUMNS}) VALUES (@type_id, @name, @color, @photo_required, @agreement_id,
            @badge_note, @active)
     ON CONFLICT (type_id) DO UPDATE SET name = excluded.name, color = excluded.color,
       photo_required = excluded.photo_required, agreement_id = excluded.agreement_id,
       badge_note = excluded.badge_note, active = excluded.active`,
  );

  return {
    all: (): VisitorType[] => all.all().map(toType),
    byId: (typeId: number): VisitorType | undefined => {
      const row = byId.get(typeId);
      return row && toType(row);
    },
    /** Whether another type has this name (letter case aside). */
    nameTaken: (name: string, exceptTypeId = 0): boolean => named.get(name, exceptTypeId) !== undefined,
    insert: (fields: VisitorTypeFields): number =>
      insert.get({ ...fields, photo_required: fields.photo_required ? 1 : 0 })!,
    update: (type: VisitorType): void => {
      update.run({ ...type, photo_required: type.photo_required ? 1 : 0, active: type.active ? 1 : 0 });
    },
    /** The row as stored: what another desk is sent (site/protocol.ts). */
    row: (typeId: number): VisitorTypeRow | undefined => raw.get(typeId),
    write: (row: VisitorTypeRow): void => {
      upsert.run(row);
    },
  };
}

export type VisitorTypesRepository = ReturnType<typeof visitorTypesRepository>;
