import type { Migration } from '../migration';

/**
 * Running a site from the desk (API contract Part 2): hosts with contact details that
 * can be deactivated, desk-wide settings, visits expected in advance, and how each visit
 * ended (`desk` or `auto`, the automatic sign-out).
 */
export const site: Migration = {
  version: 3,
  name: 'site',
  up(db) {
    db.exec(`
      ALTER TABLE visitees ADD COLUMN phone TEXT;
      ALTER TABLE visitees ADD COLUMN department TEXT;
      ALTER TABLE visitees ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
      -- A CSV row updates the host with its e-mail address: one probe per row at 10,000 rows.
      CREATE INDEX visitees_email ON visitees(email COLLATE NOCASE) WHERE email IS NOT NULL;

      -- One row per setting, its value as JSON; absent means the default.
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;

      ALTER TABLE visitors ADD COLUMN exit_kind TEXT CHECK (exit_kind IN ('desk', 'auto'));
      UPDATE visitors SET exit_kind = 'desk' WHERE exit_at IS NOT NULL;
      -- History by date. The log is walked in seq order, so a day range must become a seq
      -- range. entry_max is the latest entry time up to and including each visitor: it never
      -- decreases along seq even when the clock is set back, so its index gives the first
      -- seq of a range exactly. The few visitors whose entry time is earlier than one before
      -- them (the clock went back) have their own small index, for the last seq of a range.
      ALTER TABLE visitors ADD COLUMN entry_max INTEGER NOT NULL DEFAULT 0;
      UPDATE visitors SET entry_max = running.latest
        FROM (SELECT seq, max(entry_at) OVER (ORDER BY seq) AS latest FROM visitors) AS running
       WHERE running.seq = visitors.seq;
      CREATE INDEX visitors_entry_max ON visitors(entry_max);
      CREATE INDEX visitors_entry_out_of_order ON visitors(entry_at) WHERE entry_at < entry_max;

      CREATE TABLE expected_visits (
        expected_id   INTEGER PRIMARY KEY AUTOINCREMENT,
        name          TEXT NOT NULL,
        expected_date TEXT NOT NULL, -- local YYYY-MM-DD, the day the visit is for
        visitee_no    INTEGER REFERENCES visitees(visitee_no),
        purpose       TEXT,
        mobile        TEXT,
        note          TEXT,
        status        TEXT NOT NULL DEFAULT 'expected' CHECK (status IN ('expected', 'arrived', 'cancelled')),
        visitor_id    TEXT REFERENCES visitors(visitor_id),
        created_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at    INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX expected_by_date ON expected_visits(expected_date, expected_id);
    `);
  },
};
