import type Database from 'better-sqlite3';

/**
 * One schema version. `up` runs inside the transaction that also sets user_version, so a
 * step is applied whole or not at all; it may move data in TypeScript, not only run SQL.
 * `upgradedFrom` is the version the database had when this start began upgrading it: 0
 * for a new data folder, which lets a step treat data from older releases differently.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database, upgradedFrom: number): void;
}
