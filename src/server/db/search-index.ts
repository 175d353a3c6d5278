import type { Dialect } from './sql-database';

/**
 * The visitor search's index in each engine's words: a desk's contentless FTS5 table
 * (db/migrations/001-initial.ts), a company server's tsvector with a GIN index
 * (db/postgres/schema.ts). Both keep only the words, fold case and accents, and match
 * each typed word against the start of a word.
 */
export interface SearchIndex {
  /**
   * The value of `@match` for words that must each start a word of the visitor: in any of
   * what staff search by (name, purpose, mobile, card, visitee), or, for `person`, in the name
   * or mobile only. The words are letters and digits (services/log-search.ts).
   */
  query: (words: string[], columns: Columns) => string;
  /**
   * Matching seqs as rows of `seq`, from the index in seq order: `@match` is a query, and
   * `where` (given the index's own seq column) limits them before the page is cut at `@limit`.
   */
  hits: (where: (seq: string) => string, order: 'ASC' | 'DESC', columns?: Columns) => string;
  /** Removes a visitor's entry (values: seq). */
  remove: string;
  /** Writes a visitor's entry from their row and visitee as they stand (values: seq). */
  addFromRow: string;
  /** Writes the entry of an erased visitor (values: seq, name in place of theirs, card, visitee's name). */
  addErased: string;
  /**
   * Rewrites the index so that no removed entry's words linger in it: FTS5 keeps them in its
   * segments until merged, a GIN index in its pages even after VACUUM.
   */
  rewrite: string;
}

type Columns = 'all' | 'person';

const FTS5: SearchIndex = {
  query: (words, columns) => {
    const all = words.map((word) => `"${word}"*`).join(' ');
    return columns === 'person' ? `{name mobile} : (${all})` : all;
  },
  hits: (where, order) =>
    `SELECT rowid AS seq FROM visitors_fts WHERE visitors_fts MATCH @match AND ${where('visitors_fts.rowid')}
      ORDER BY rowid ${order} LIMIT @limit`,
  remove: 'DELETE FROM visitors_fts WHERE rowid = ?',
  addFromRow: `INSERT INTO visitors_fts (rowid, name, purpose, mobile, card_no, visitee)
     SELECT v.seq, v.name, v.purpose, v.mobile, v.card_no, e.name
       FROM visitors v LEFT JOIN visitees e ON e.visitee_no = v.visitee_no WHERE v.seq = ?`,
  addErased: `INSERT INTO visitors_fts (rowid, name, purpose, mobile, card_no, visitee) VALUES (?, ?, '', '', ?, ?)`,
  rewrite: "INSERT INTO visitors_fts (visitors_fts) VALUES ('optimize')",
};

/**
 * The words go to PostgreSQL as they were typed and become the query there: each without its
 * accents (unaccent, as the document was made), quoted as one lexeme whatever unaccent made of
 * it (some letters become ':' or a quote, which to_tsquery would read as its own syntax), and
 * matched as a prefix; the name and mobile are weighted A, the rest B, so that `:*A` looks in
 * the person's own words only. No word left: no match.
 */
const TSVECTOR: SearchIndex = {
  query: (words) => words.join(' '),
  hits: (where, order, columns = 'all') =>
    `SELECT seq FROM visitors_fts
      WHERE document @@ (
              SELECT to_tsquery('simple', string_agg('''' || word || ''':*${columns === 'person' ? 'A' : ''}', ' & '))
                FROM regexp_split_to_table(
                       regexp_replace(public.unaccent(CAST(@match AS TEXT)), '[''\\\\]', '', 'g'), '\\s+') AS word
               WHERE word <> '')
        AND ${where('visitors_fts.seq')}
      ORDER BY seq ${order} LIMIT @limit`,
  remove: 'DELETE FROM visitors_fts WHERE seq = ?',
  addFromRow: `INSERT INTO visitors_fts (seq, document)
     SELECT v.seq, visitors_fts_document(v.name, v.purpose, v.mobile, CAST(v.card_no AS TEXT), e.name)
       FROM visitors v LEFT JOIN visitees e ON e.visitee_no = v.visitee_no WHERE v.seq = ?`,
  addErased: `INSERT INTO visitors_fts (seq, document)
     VALUES (?, visitors_fts_document(?, '', '', CAST(? AS TEXT), ?))`,
  rewrite: 'REINDEX INDEX visitors_fts_document',
};

export function searchIndex(dialect: Dialect): SearchIndex {
  return dialect === 'sqlite' ? FTS5 : TSVECTOR;
}
