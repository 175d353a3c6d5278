import type Database from 'better-sqlite3';

/**
 * One schema version. `up` runs inside the upgrade's one transaction (migrate.ts), which
 * also sets user_version; it may move data in TypeScript, not only run SQL. `upgradedFrom`
 * is the version the database had before the upgrade: 0 for a new data folder, which lets
 * a step treat data from older releases differently.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database, upgradedFrom: number): void;
}
