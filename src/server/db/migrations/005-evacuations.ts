import type { Migration } from '../migration';

/**
 * Evacuation roll calls (API contract Part 2): who was on the premises when the alarm
 * went, frozen as visitor IDs with their host of the moment (names are read from the
 * visitors, so an erasure reaches the rolls too), and who was accounted for, when and by whom.
 */
export const evacuations: Migration = {
  version: 5,
  name: 'evacuations',
  up(db) {
    db.exec(`
      CREATE TABLE evacuations (
        evacuation_id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind          TEXT NOT NULL CHECK (kind IN ('drill', 'real')),
        started_at    INTEGER NOT NULL,
        started_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
        closed_at     INTEGER,
        closed_by     INTEGER REFERENCES users(id) ON DELETE SET NULL
      ) STRICT;
      -- One roll call open at a time, whatever two desks do at once.
      CREATE UNIQUE INDEX evacuations_one_open ON evacuations((0)) WHERE closed_at IS NULL;

      CREATE TABLE evacuation_people (
        evacuation_id INTEGER NOT NULL REFERENCES evacuations(evacuation_id),
        visitor_id    TEXT NOT NULL REFERENCES visitors(visitor_id),
        -- The host as it was at the alarm: a report does not change when a host is renamed.
        visitee_name  TEXT,
        accounted_at  INTEGER,
        accounted_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
        PRIMARY KEY (evacuation_id, visitor_id)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
