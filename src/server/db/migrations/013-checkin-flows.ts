import type { Migration } from '../migration';

/**
 * Check-in as a site runs it (API contract Part 5): visitor types, agreements and their
 * signed copies, and the watchlist.
 *
 * - `visitor_types`: the four a new site has are numbered 1–4 on every desk, the same rows
 *   everywhere, so desks that join a site agree on them without a change exchanged; types made
 *   later take this desk's own numbers (db/own-numbers.ts). A visitor made before this version
 *   has no type (NULL) and is shown as type 1, `Visitor`: no row of a long log is rewritten.
 * - An agreement's versions are never changed once written: `agreement_versions` keeps each
 *   (its title and the SHA-256 of its text), `agreement_texts` the texts by that hash, and
 *   `agreements` the current one. Two desks apart that both edit an agreement may both number
 *   their version N+1; both are kept (the texts by hash), and a signed copy names the hash.
 * - `signatures`: a visitor's signature (the PNG drawn at the desk) with the version, title and
 *   text hash they signed, and the name and mobile they signed under; the signed copy's PDF is
 *   made from it and the text whenever it is asked for, so erasing the row leaves nothing of the
 *   copy (services/agreement-service.ts). `person_key` (services/person-keys.ts's forms of
 *   name and mobile) finds a returning visitor's earlier signature.
 * - `watchlist`: `name_key` and `mobile_key` are the forms a check-in is compared by
 *   (services/person-keys.ts). An entry removed keeps only its number and when it went, so
 *   that the removal reaches every desk and no desk still holds the person's name.
 */
export const checkinFlows: Migration = {
  version: 13,
  name: 'checkin-flows',
  up(db) {
    db.exec(`
      CREATE TABLE agreements (
        agreement_id INTEGER PRIMARY KEY,
        title        TEXT NOT NULL,
        version      INTEGER NOT NULL,
        sha256       TEXT NOT NULL,
        created_at   INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE agreement_texts (
        sha256 TEXT PRIMARY KEY,
        text   TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE agreement_versions (
        agreement_id INTEGER NOT NULL REFERENCES agreements(agreement_id),
        version      INTEGER NOT NULL,
        sha256       TEXT NOT NULL REFERENCES agreement_texts(sha256),
        title        TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        PRIMARY KEY (agreement_id, version, sha256, title)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE visitor_types (
        type_id        INTEGER PRIMARY KEY,
        name           TEXT NOT NULL,
        color          TEXT NOT NULL,
        photo_required INTEGER NOT NULL CHECK (photo_required IN (0, 1)),
        agreement_id   INTEGER REFERENCES agreements(agreement_id),
        badge_note     TEXT,
        active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
      ) STRICT;
      INSERT INTO visitor_types (type_id, name, color, photo_required) VALUES
        (1, 'Visitor', '#2563eb', 1),
        (2, 'Contractor', '#d97706', 1),
        (3, 'Interview', '#7c3aed', 1),
        (4, 'Delivery', '#059669', 0);
      ALTER TABLE visitors ADD COLUMN type_id INTEGER REFERENCES visitor_types(type_id);
      -- History by type: the rarer types through this index; type 1, most of any log, by walking seq.
      CREATE INDEX visitors_by_type ON visitors(type_id, seq) WHERE type_id IS NOT NULL AND type_id <> 1;

      CREATE TABLE signatures (
        visitor_id   TEXT PRIMARY KEY REFERENCES visitors(visitor_id),
        agreement_id INTEGER NOT NULL REFERENCES agreements(agreement_id),
        version      INTEGER NOT NULL,
        title        TEXT NOT NULL,
        sha256       TEXT NOT NULL REFERENCES agreement_texts(sha256),
        signed_at    INTEGER NOT NULL,
        name         TEXT NOT NULL,
        mobile       TEXT NOT NULL,
        person_key   TEXT NOT NULL,
        png          BLOB NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX signatures_of_person ON signatures(person_key, agreement_id, version);
      -- Returning visitors found by the start of the e-mail address their invitation went to.
      CREATE INDEX expected_by_email ON expected_visits(lower(email)) WHERE email IS NOT NULL AND visitor_id IS NOT NULL;

      CREATE TABLE watchlist (
        entry_id   INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        name_key   TEXT NOT NULL,
        mobile     TEXT,
        mobile_key TEXT,
        email      TEXT,
        reason     TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        removed_at INTEGER
      ) STRICT;
      CREATE INDEX watchlist_by_name ON watchlist(name_key) WHERE removed_at IS NULL;
      CREATE INDEX watchlist_by_mobile ON watchlist(mobile_key) WHERE removed_at IS NULL AND mobile_key IS NOT NULL;
    `);
  },
};
