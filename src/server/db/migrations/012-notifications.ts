import type { Migration } from '../migration';
import { NUMBERS_PER_DESK } from '../own-numbers';

/**
 * Telling people (API contract Part 4).
 *
 * - `notices` is the outbox: a notice is written in the same transaction as the check-in or
 *   the expected visit it tells of, and sent later by services/notify/outbox.ts, so a check-in
 *   never waits for a mail server. It is this desk's own (not a change the site exchanges):
 *   the desk where a check-in happened sends its notice, once. `content` is the message as it
 *   was composed, so a retry sends the same words under the same Message-ID; an erasure
 *   deletes a pending notice and empties the content of the others.
 * - `shown` marks the one notice a visitor's `notification` shows (the e-mail when there are
 *   both): the log joins it by that partial index, one look-up per row.
 * - `notify_channels` holds where notices go (SMTP, webhook). It is this desk's own too: its
 *   secrets are sealed with a key only this desk holds (security/secret-box.ts).
 * - Every expected visit gets an invitation token: 256 random bits, all its QR code holds. A
 *   visit expected before this version gets one here from the desk that took it (its number is
 *   in this desk's own range), recorded as a change of it so that every desk of the site holds
 *   that one token; a visit another desk took waits for that desk's (site/convergence.ts).
 */
export const notifications: Migration = {
  version: 12,
  name: 'notifications',
  up(db) {
    db.exec(`
      CREATE TABLE notices (
        notice_id   INTEGER PRIMARY KEY,
        kind        TEXT NOT NULL CHECK (kind IN ('arrival', 'invitation')),
        channel     TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
        visitor_id  TEXT,
        expected_id INTEGER,
        shown       INTEGER NOT NULL DEFAULT 0 CHECK (shown IN (0, 1)),
        recipient   TEXT NOT NULL,
        message_id  TEXT NOT NULL UNIQUE,
        content     TEXT,
        status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
        attempts    INTEGER NOT NULL DEFAULT 0,
        created_at  INTEGER NOT NULL,
        -- When its day of retries began: written, or sent again by hand ("Retry now").
        tries_from  INTEGER NOT NULL,
        next_at     INTEGER NOT NULL,
        done_at     INTEGER,
        error       TEXT
      ) STRICT;
      CREATE UNIQUE INDEX notices_shown ON notices(visitor_id) WHERE shown = 1;
      CREATE INDEX notices_of_visitor ON notices(visitor_id) WHERE visitor_id IS NOT NULL;
      CREATE INDEX notices_of_expected ON notices(expected_id) WHERE expected_id IS NOT NULL;
      CREATE INDEX notices_due ON notices(next_at) WHERE status = 'pending';
      CREATE INDEX notices_by_status ON notices(status, notice_id);

      CREATE TABLE notify_channels (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;

      ALTER TABLE expected_visits ADD COLUMN email TEXT;
      ALTER TABLE expected_visits ADD COLUMN invite_token TEXT;
      ALTER TABLE expected_visits ADD COLUMN invited_at INTEGER;
      CREATE TEMP TABLE own_visits AS
        SELECT expected_id FROM expected_visits, this_desk d
         WHERE expected_id > d.id_base AND expected_id <= d.id_base + ${NUMBERS_PER_DESK};
      UPDATE expected_visits SET invite_token = upper(hex(randomblob(32)))
       WHERE expected_id IN (SELECT expected_id FROM own_visits);
      INSERT INTO change_log (origin, seq, kind, key)
        SELECT d.desk_id,
               (SELECT coalesce(max(seq), 0) FROM change_log WHERE origin = d.desk_id) + row_number() OVER (),
               'expected', CAST(o.expected_id AS TEXT)
          FROM own_visits o, this_desk d
         WHERE EXISTS (SELECT 1 FROM site);
      DROP TABLE own_visits;
      CREATE UNIQUE INDEX expected_by_token ON expected_visits(invite_token);
    `);
  },
};
