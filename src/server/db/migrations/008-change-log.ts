import type { Migration } from '../migration';

/**
 * The ground of several desks (API contract Part 3). Every desk has an ID from its first
 * start, before it belongs to a site, so that what it records alone can be passed on when it
 * does. The change log says, for every change this desk made or heard of, which desk made it
 * (`origin`), its number there (`seq`, 1, 2, 3… per desk) and what it changed (`kind`,
 * `key`): never the values. What a change is worth is read from the data as it stands when
 * it is passed on, so the log holds no personal data, an erasure has nothing to remove from
 * it, and a later change to the same thing carries the earlier one's outcome too.
 */
export const changeLog: Migration = {
  version: 8,
  name: 'change-log',
  up(db) {
    db.exec(`
      CREATE TABLE this_desk (
        one     INTEGER PRIMARY KEY CHECK (one = 1),
        desk_id TEXT NOT NULL
      ) STRICT;
      INSERT INTO this_desk (one, desk_id) VALUES (1, lower(hex(randomblob(16))));

      CREATE TABLE change_log (
        origin TEXT NOT NULL,
        seq    INTEGER NOT NULL CHECK (seq > 0),
        kind   TEXT NOT NULL,
        key    TEXT NOT NULL,
        PRIMARY KEY (origin, seq)
      ) STRICT, WITHOUT ROWID;
      -- What is known of one thing, whichever desk changed it.
      CREATE INDEX change_log_subject ON change_log(kind, key);
    `);
  },
};
