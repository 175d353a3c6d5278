import { nextReading } from '../../site/clock';
import type { Db } from '../connection';

/**
 * What each replicated table's rows are to the change log (db/migrations/008-change-log.ts):
 * the kind of thing and the SQL that names it from a row (NEW or OLD). A photo is part of its
 * visitor; a mark is one person on one roll. A new subject comes with a migration that
 * records what exists of it then (db/migrations/010-site-rolls.ts).
 */
const SUBJECTS = [
  { table: 'visitors', kind: 'visitor', key: (row: string) => `${row}.visitor_id` },
  {
    table: 'photos',
    kind: 'visitor',
    // `main.` in a desk's TEMP trigger, whose unqualified names would look in temp first.
    key: (row: string, schema = '') => `(SELECT visitor_id FROM ${schema}visitors WHERE seq = ${row}.visitor_seq)`,
  },
  { table: 'visitees', kind: 'host', key: (row: string) => `${row}.visitee_no` },
  { table: 'users', kind: 'account', key: (row: string) => `${row}.id` },
  { table: 'settings', kind: 'setting', key: (row: string) => `${row}.key` },
  { table: 'expected_visits', kind: 'expected', key: (row: string) => `${row}.expected_id` },
  // A desk's own view of another (the address it set, when it last heard from it) stays here.
  {
    table: 'desks',
    kind: 'desk',
    key: (row: string) => `${row}.desk_id`,
    columns: 'name, fingerprint, certificate, address, revoked_at',
  },
  { table: 'evacuations', kind: 'roll', key: (row: string) => `${row}.evacuation_id` },
  // API contract Part 5: a signature is part of its visitor, a version part of its agreement.
  { table: 'signatures', kind: 'visitor', key: (row: string) => `${row}.visitor_id` },
  { table: 'visitor_types', kind: 'vtype', key: (row: string) => `${row}.type_id` },
  { table: 'agreements', kind: 'agreement', key: (row: string) => `${row}.agreement_id` },
  { table: 'agreement_versions', kind: 'agreement', key: (row: string) => `${row}.agreement_id` },
  { table: 'watchlist', kind: 'watch', key: (row: string) => `${row}.entry_id` },
  {
    table: 'evacuation_people',
    kind: 'mark',
    key: (row: string) => `${row}.evacuation_id || '/' || ${row}.visitor_id`,
  },
] as const;

export type ChangeKind = (typeof SUBJECTS)[number]['kind'];

/**
 * Fields whose changes are versioned on their own, so that a later change to another field
 * of the same thing, made at a desk that had not heard of it, does not undo it: an account's
 * deactivation, password and role, and a visitor's details (a correction is not undone by an
 * exit made elsewhere). Their versions are kept as `<kind>.<field>`; they are not changes of
 * their own in the log.
 */
const FIELDS = [
  { table: 'users', columns: ['active'], kind: 'account.active', key: 'id' },
  { table: 'users', columns: ['password_hash'], kind: 'account.password', key: 'id' },
  { table: 'users', columns: ['role'], kind: 'account.role', key: 'id' },
  {
    table: 'visitors',
    columns: ['name', 'mobile', 'purpose', 'card_no', 'visitee_no'],
    kind: 'visitor.details',
    key: 'visitor_id',
  },
] as const;

export type FieldKind = (typeof FIELDS)[number]['kind'];

/**
 * What a unit touched, one row per thing, in the order touched (`n`): this connection's own
 * (TEMP), emptied as each unit ends. On PostgreSQL, every connection of the pool makes it
 * as it opens (db/postgres/open-postgres.ts).
 */
export const TOUCHED_TABLE = {
  sqlite:
    'CREATE TEMP TABLE IF NOT EXISTS touched (n INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, UNIQUE (kind, key))',
  postgres: `CREATE TEMP TABLE IF NOT EXISTS touched (
    n BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, UNIQUE (kind, key))`,
};

/**
 * Triggers that note every row a unit inserts, changes or deletes in a replicated table,
 * whatever the code that did it. On a desk they are TEMP (this connection's only), so another
 * tool writing to the file records nothing, and another Frontdesk process on the same folder
 * installs its own. PostgreSQL has no TEMP triggers: there they belong to the tables, and
 * note only in a session that has the table `touched`, which only the server's connections make.
 */
function installNoting(db: Db): void {
  if (db.dialect === 'sqlite') {
    db.exec(TOUCHED_TABLE.sqlite);
    for (const subject of SUBJECTS) {
      for (const [event, row] of [
        ['INSERT', 'NEW'],
        ['UPDATE', 'NEW'],
        ['DELETE', 'OLD'],
      ] as const) {
        const columns = event === 'UPDATE' && 'columns' in subject ? ` OF ${subject.columns}` : '';
        db.exec(
          `CREATE TEMP TRIGGER IF NOT EXISTS note_${subject.table}_${event.toLowerCase()}
             AFTER ${event}${columns} ON main.${subject.table}
           BEGIN
             INSERT OR IGNORE INTO temp.touched (kind, key) VALUES ('${subject.kind}', ${subject.key(row, 'main.')});
           END`,
        );
      }
    }
    for (const field of FIELDS) {
      const changed = field.columns.map((column) => `OLD.${column} IS NOT NEW.${column}`).join(' OR ');
      db.exec(
        `CREATE TEMP TRIGGER IF NOT EXISTS note_${field.kind.replace('.', '_')}
           AFTER UPDATE OF ${field.columns.join(', ')} ON main.${field.table} WHEN ${changed}
         BEGIN
           INSERT OR IGNORE INTO temp.touched (kind, key) VALUES ('${field.kind}', NEW.${field.key});
         END`,
      );
    }
    return;
  }
  const noting = (name: string, kind: string, key: string): string =>
    `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
     DECLARE r record;
     BEGIN
       IF to_regclass('pg_temp.touched') IS NOT NULL THEN
         IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
         INSERT INTO pg_temp.touched (kind, key) VALUES ('${kind}', ${key}) ON CONFLICT DO NOTHING;
       END IF;
       RETURN NULL;
     END $$;`;
  // Under the write lock: instances that start together install them one after the other.
  db.write(() => {
    for (const subject of SUBJECTS) {
      const columns = 'columns' in subject ? ` OF ${subject.columns}` : '';
      db.exec(`${noting(`note_${subject.table}`, subject.kind, subject.key('r'))}
        CREATE OR REPLACE TRIGGER note_${subject.table} AFTER INSERT OR UPDATE${columns} OR DELETE ON ${subject.table}
          FOR EACH ROW EXECUTE FUNCTION note_${subject.table}();`);
    }
    for (const field of FIELDS) {
      const name = `note_${field.kind.replace('.', '_')}`;
      const changed = field.columns.map((column) => `OLD.${column} IS DISTINCT FROM NEW.${column}`).join(' OR ');
      db.exec(`${noting(name, field.kind, `r.${field.key}`)}
        CREATE OR REPLACE TRIGGER ${name} AFTER UPDATE OF ${field.columns.join(', ')} ON ${field.table}
          FOR EACH ROW WHEN (${changed}) EXECUTE FUNCTION ${name}();`);
    }
  });
}

/**
 * The change log's writing half. The triggers (installNoting) note every row a unit
 * touches in a replicated table: a new write cannot forget its change record. When the unit
 * ends, `record` gives what was noted this desk's next numbers, one per thing however often
 * the unit touched it, in the unit's own transaction, under the write lock.
 */
export function changeLogRepository(db: Db) {
  installNoting(db);
  // A desk's ID never changes; its clock is read each time, as another process on the folder moves it too.
  const deskId = db.prepare<[], string>('SELECT desk_id FROM this_desk').pluck().get()!;
  const clockNow = db.prepare<[], string>('SELECT clock FROM this_desk').pluck();
  const setClock = db.prepare<[string]>('UPDATE this_desk SET clock = ?');
  const anyTouched = db.prepare<[], number>('SELECT 1 FROM touched LIMIT 1').pluck();
  const lastSeq = db.prepare<[string], number>('SELECT coalesce(max(seq), 0) FROM change_log WHERE origin = ?').pluck();
  const append = db.prepare<[string, number]>(
    `INSERT INTO change_log (origin, seq, kind, key)
     SELECT ?, ? + row_number() OVER (ORDER BY n), kind, key FROM touched WHERE kind NOT LIKE '%.%'`,
  );
  const stamp = db.prepare<[string]>(
    `INSERT INTO versions (kind, key, version) SELECT kind, key, ? FROM touched WHERE true
     ON CONFLICT (kind, key) DO UPDATE SET version = excluded.version`,
  );
  const forget = db.prepare('DELETE FROM touched');
  const versionOf = db
    .prepare<[string, string], string>('SELECT version FROM versions WHERE kind = ? AND key = ?')
    .pluck();
  const setVersion = db.prepare<[string, string, string]>(
    `INSERT INTO versions (kind, key, version) VALUES (?, ?, ?)
     ON CONFLICT (kind, key) DO UPDATE SET version = excluded.version`,
  );
  // Each origin found by a step down the primary key from the last, and its latest number by
  // another: a few lookups per desk of the site, where GROUP BY read every change the desk
  // ever kept (100 ms at a million, on either store), and every desk asks every second.
  const vector = db.prepare<[], { origin: string; seq: number }>(
    `WITH RECURSIVE origins (origin) AS (
       SELECT min(origin) FROM change_log
       UNION ALL
       SELECT (SELECT min(c.origin) FROM change_log c WHERE c.origin > o.origin) FROM origins o WHERE o.origin IS NOT NULL
     )
     SELECT origin, (SELECT max(c.seq) FROM change_log c WHERE c.origin = o.origin) AS seq
       FROM origins o WHERE origin IS NOT NULL`,
  );
  const known = db.prepare<[string, number], number>('SELECT 1 FROM change_log WHERE origin = ? AND seq = ?').pluck();
  const insertReceived = db.prepare<[string, number, string, string]>(
    'INSERT INTO change_log (origin, seq, kind, key) VALUES (?, ?, ?, ?)',
  );
  const after = db.prepare<[string, number, number], ChangeRecord>(
    'SELECT origin, seq, kind, key FROM change_log WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?',
  );
  const countAfter = db
    .prepare<[string, number], number>('SELECT count(*) FROM change_log WHERE origin = ? AND seq > ?')
    .pluck();

  /** The next reading of this desk's clock, kept so that it never goes back. */
  function tick(wallMs: number): string {
    const reading = nextReading(clockNow.get()!, wallMs, deskId);
    setClock.run(reading);
    return reading;
  }

  const noteAll = SUBJECTS.map((subject) =>
    db.prepare(
      `INSERT INTO touched (kind, key) SELECT '${subject.kind}', ${subject.key('r')} FROM ${subject.table} r
       WHERE true ON CONFLICT DO NOTHING`,
    ),
  );

  return {
    deskId: (): string => deskId,
    /**
     * Notes everything there is, so that the next `record` numbers it: a desk that becomes
     * the first of a site passes on what it held alone, made before it kept a change log.
     */
    noteEverything: (): void => {
      for (const statement of noteAll) statement.run();
    },
    /** The version of a thing no change has stamped (made before this desk kept versions): before every other. */
    floorReading: (): string => nextReading('', 0, deskId),
    /**
     * Gives what a local unit touched this desk's next change numbers, and the unit one
     * reading of the clock as the version of each; runs inside the unit's transaction.
     */
    record: (wallMs: number): void => {
      if (anyTouched.get() === undefined) return;
      append.run(deskId, lastSeq.get(deskId)!);
      stamp.run(tick(wallMs));
      forget.run();
    },
    /**
     * Ends a unit that applied changes received from another desk: what its merges touched
     * is not a change made here (the changes received are recorded as they came, by
     * `received`), so it is not numbered.
     */
    discardTouched: (): void => {
      forget.run();
    },
    /** The latest change number of each desk this desk has, all of them up to it. */
    vector: (): Record<string, number> => Object.fromEntries(vector.all().map((row) => [row.origin, row.seq])),
    /** Changes after a vector, per desk in order, at most `limit` in all; only desks with more are read. */
    after(have: Record<string, number>, limit: number): ChangeRecord[] {
      const found: ChangeRecord[] = [];
      for (const { origin, seq } of vector.all()) {
        if (found.length >= limit) break;
        if (seq > (have[origin] ?? 0)) found.push(...after.all(origin, have[origin] ?? 0, limit - found.length));
      }
      return found;
    },
    /** How many changes this desk has beyond a vector. */
    countAfter: (have: Record<string, number>): number =>
      vector
        .all()
        .reduce(
          (sum, { origin, seq }) => sum + (seq > (have[origin] ?? 0) ? countAfter.get(origin, have[origin] ?? 0)! : 0),
          0,
        ),
    isKnown: (origin: string, seq: number): boolean => known.get(origin, seq) !== undefined,
    /** A change received from another desk, recorded as it was numbered at its origin. */
    received: (change: ChangeRecord): void => {
      insertReceived.run(change.origin, change.seq, change.kind, change.key);
    },
    versionOf: (kind: ChangeKind | FieldKind, key: string): string => versionOf.get(kind, key) ?? '',
    setVersion: (kind: ChangeKind | FieldKind, key: string, version: string): void => {
      setVersion.run(kind, key, version);
    },
    /** A reading heard from another desk: this desk's clock moves past it, never back. */
    observe(reading: string): void {
      if (reading > clockNow.get()!) setClock.run(reading);
    },
  };
}

export interface ChangeRecord {
  origin: string;
  seq: number;
  kind: ChangeKind;
  key: string;
}

export type ChangeLogRepository = ReturnType<typeof changeLogRepository>;
