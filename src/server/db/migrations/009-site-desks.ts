import type { Migration } from '../migration';

/**
 * One site, several desks (API contract Part 3).
 *
 * - `site`: the site this desk belongs to, when it does (one row).
 * - `desks`: every desk of the site this desk knows, itself included, with the fingerprint
 *   of its certificate (what a peer is recognised by) and the address it listens on.
 *   `address_override`, `last_heard_at` and `their_vector` (the latest change numbers it
 *   said it had, when it last asked) are this desk's own view and never travel.
 * - `join_codes`: codes this desk handed out, by their hash, each usable once.
 * - `versions`: the clock reading of the latest change to each replicated thing; the latest
 *   wins where the rules say so. `this_desk.clock` is the newest reading this desk made or
 *   heard of, so its clock never goes back when the wall clock does.
 * - `this_desk.id_base`: numbered objects (hosts, accounts, expected visits) made at this
 *   desk take their numbers above it, so numbers made at two desks never collide.
 * - `visitors.undone_exits`: the exits undone (Corrections), so that an undo made at one desk
 *   is not reverted by the exit another desk still holds.
 * - A card held twice on the premises is allowed from now on: two desks that were apart may
 *   hand out the same card, and both check-ins stay. Each desk still refuses, under its write
 *   lock, to hand out a card it knows is held.
 */
export const siteDesks: Migration = {
  version: 9,
  name: 'site-desks',
  up(db) {
    db.exec(`
      ALTER TABLE this_desk ADD COLUMN clock TEXT NOT NULL DEFAULT '';
      ALTER TABLE this_desk ADD COLUMN id_base INTEGER NOT NULL DEFAULT 0;

      CREATE TABLE site (
        one       INTEGER PRIMARY KEY CHECK (one = 1),
        site_id   TEXT NOT NULL,
        name      TEXT NOT NULL
      ) STRICT;

      CREATE TABLE desks (
        desk_id          TEXT PRIMARY KEY,
        name             TEXT NOT NULL,
        fingerprint      TEXT NOT NULL,
        certificate      TEXT NOT NULL,
        address          TEXT,
        revoked_at       INTEGER,
        address_override TEXT,
        last_heard_at    INTEGER,
        their_vector     TEXT
      ) STRICT;

      CREATE TABLE join_codes (
        code_hash  BLOB PRIMARY KEY,
        expires_at INTEGER NOT NULL,
        used_at    INTEGER
      ) STRICT;

      CREATE TABLE versions (
        kind    TEXT NOT NULL,
        key     TEXT NOT NULL,
        version TEXT NOT NULL,
        PRIMARY KEY (kind, key)
      ) STRICT, WITHOUT ROWID;

      -- Exits undone at any desk (a JSON array of their times): an exit once recorded stands
      -- everywhere unless it is one of these (site/convergence.ts).
      ALTER TABLE visitors ADD COLUMN undone_exits TEXT;
      -- When an expected visit's person was erased: no later change elsewhere brings them back.
      ALTER TABLE expected_visits ADD COLUMN erased_at INTEGER;

      DROP INDEX visitors_card_on_site;
      CREATE INDEX visitors_card_on_site ON visitors(card_no) WHERE exit_at IS NULL;
    `);
  },
};
