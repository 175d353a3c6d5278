import type { Db } from '../connection';

/**
 * What each replicated table's rows are to the change log (db/migrations/008-change-log.ts):
 * the kind of thing and the SQL that names it from a row (NEW or OLD). A photo is part of its
 * visitor. Evacuation rolls are not replicated yet: when they are, their subjects come with a
 * migration that records the rolls that exist then.
 */
const SUBJECTS = [
  { table: 'visitors', kind: 'visitor', key: (row: string) => `${row}.visitor_id` },
  {
    table: 'photos',
    kind: 'visitor',
    key: (row: string) => `(SELECT visitor_id FROM main.visitors WHERE seq = ${row}.visitor_seq)`,
  },
  { table: 'visitees', kind: 'host', key: (row: string) => `${row}.visitee_no` },
  { table: 'users', kind: 'account', key: (row: string) => `${row}.id` },
  { table: 'settings', kind: 'setting', key: (row: string) => `${row}.key` },
  { table: 'expected_visits', kind: 'expected', key: (row: string) => `${row}.expected_id` },
] as const;

export type ChangeKind = (typeof SUBJECTS)[number]['kind'];

/**
 * The change log's writing half. Triggers on this connection note every row a unit of work
 * inserts, changes or deletes in a replicated table, whatever the code that did it: a new
 * write cannot forget its change record. When the unit ends, `record` gives what was noted
 * this desk's next numbers, one per thing however often the unit touched it, in the unit's
 * own transaction. The triggers are TEMP (this connection's only), so another tool writing
 * to the file records nothing, and another Frontdesk process on the same folder installs its
 * own and numbers under the same write lock.
 */
export function changeLogRepository(db: Db) {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS touched (kind TEXT NOT NULL, key TEXT NOT NULL, UNIQUE (kind, key))');
  for (const subject of SUBJECTS) {
    for (const [event, row] of [
      ['INSERT', 'NEW'],
      ['UPDATE', 'NEW'],
      ['DELETE', 'OLD'],
    ] as const) {
      db.exec(
        `CREATE TEMP TRIGGER IF NOT EXISTS note_${subject.table}_${event.toLowerCase()}
           AFTER ${event} ON main.${subject.table}
         BEGIN
           INSERT OR IGNORE INTO temp.touched (kind, key) VALUES ('${subject.kind}', ${subject.key(row)});
         END`,
      );
    }
  }
  const deskId = db.prepare<[], string>('SELECT desk_id FROM this_desk').pluck().get()!;
  const anyTouched = db.prepare<[], number>('SELECT 1 FROM temp.touched LIMIT 1').pluck();
  const lastSeq = db.prepare<[string], number>('SELECT coalesce(max(seq), 0) FROM change_log WHERE origin = ?').pluck();
  const append = db.prepare<[string, number]>(
    `INSERT INTO change_log (origin, seq, kind, key)
     SELECT ?, ? + row_number() OVER (ORDER BY rowid), kind, key FROM temp.touched`,
  );
  const forget = db.prepare('DELETE FROM temp.touched');

  return {
    /** Gives what the unit touched this desk's next change numbers; runs inside the unit's transaction. */
    record: (): void => {
      if (anyTouched.get() === undefined) return;
      append.run(deskId, lastSeq.get(deskId)!);
      forget.run();
    },
  };
}

export type ChangeLogRepository = ReturnType<typeof changeLogRepository>;
