/**
 * The first schema. Times are UNIX milliseconds (formatted to local wall-clock strings
 * only at the API edge); `seq` is the visitor's place in entry order and the log cursor.
 */
import type { Migration } from '../migration';

const SCHEMA = `
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  created_at    INTEGER NOT NULL
) STRICT;

-- Only a SHA-256 of each token is kept: a copied database file grants no access.
CREATE TABLE tokens (
  token_hash  BLOB PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  device_info TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  revoked_at  INTEGER
) STRICT, WITHOUT ROWID;

CREATE TABLE visitees (
  visitee_no INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  email      TEXT
) STRICT;

CREATE TABLE visitors (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: a seq is never reused
  visitor_id TEXT NOT NULL UNIQUE,
  card_no    INTEGER NOT NULL,
  name       TEXT NOT NULL,
  mobile     TEXT NOT NULL,
  purpose    TEXT NOT NULL,
  visitee_no INTEGER REFERENCES visitees(visitee_no),
  entry_at   INTEGER NOT NULL,
  exit_at    INTEGER,
  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL
) STRICT;

-- "On site now" reads only these rows, however long the history grows.
CREATE INDEX visitors_on_site ON visitors(seq) WHERE exit_at IS NULL;
-- A visitor card is in one pocket at a time.
CREATE UNIQUE INDEX visitors_card_on_site ON visitors(card_no) WHERE exit_at IS NULL;

CREATE TABLE photos (
  visitor_seq INTEGER PRIMARY KEY REFERENCES visitors(seq) ON DELETE CASCADE,
  format      TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'webp', 'bmp')),
  width       INTEGER NOT NULL,
  height      INTEGER NOT NULL,
  bytes       INTEGER NOT NULL,
  thumbhash   BLOB NOT NULL
) STRICT;

-- A check-in writes its files before its row. An intent committed first names the
-- files, so start-up can remove those of a check-in that a crash interrupted.
CREATE TABLE photo_intents (
  visitor_id TEXT PRIMARY KEY,
  format     TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Contentless full-text index over what reception staff search by. The visitee's name
-- is copied in at check-in so "who came to see Alice" is one index look-up.
CREATE VIRTUAL TABLE visitors_fts USING fts5(
  name, purpose, mobile, card_no, visitee,
  content = '', contentless_delete = 1, prefix = '2 3',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER visitors_fts_insert AFTER INSERT ON visitors BEGIN
  INSERT INTO visitors_fts(rowid, name, purpose, mobile, card_no, visitee)
  VALUES (new.seq, new.name, new.purpose, new.mobile, new.card_no,
          (SELECT name FROM visitees WHERE visitee_no = new.visitee_no));
END;

CREATE TRIGGER visitors_fts_delete AFTER DELETE ON visitors BEGIN
  DELETE FROM visitors_fts WHERE rowid = old.seq;
END;
`;

export const initial: Migration = { version: 1, name: 'initial', up: (db) => db.exec(SCHEMA) };
