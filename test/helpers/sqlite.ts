import type Database from 'better-sqlite3';
import { SqliteDatabase, type Db } from '../../src/server/db/connection';

/** A desk's database as better-sqlite3 has it: for what only SQLite has (PRAGMAs, query plans). */
export function sqliteOf(db: Db): Database.Database {
  if (!(db instanceof SqliteDatabase)) throw new Error(`a ${db.dialect} database, where a desk's SQLite was expected`);
  return db.raw;
}
