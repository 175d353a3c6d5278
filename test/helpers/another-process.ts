import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DATABASE_FILE } from '../../src/server/context';

/** Where a server under test keeps its data: a desk's folder, or a company server's database too. */
export interface StoreOf {
  dataDir: string;
  database?: string | undefined;
}

/**
 * Another process on the same data (the CLI, a second desk, another instance of a company
 * server) running SQL against the database while the server under test has it open: a real
 * second connection, not a stand-in. A data folder, or a store whose `database` says where
 * its PostgreSQL is.
 */
export function sqlInAnotherProcess(where: string | StoreOf, sql: string): void {
  const store = typeof where === 'string' ? { dataDir: where } : where;
  const [script, target] = store.database
    ? [
        `const pg = require('pg');
         const client = new pg.Client({ connectionString: process.argv[1] });
         client.connect().then(() => client.query(process.argv[2])).finally(() => client.end())
           .catch((error) => { console.error(error.message); process.exitCode = 1; });`,
        store.database,
      ]
    : [
        `const Database = require('better-sqlite3');
         const db = new Database(process.argv[1]);
         db.pragma('busy_timeout = 5000');
         db.exec(process.argv[2]);
         db.close();`,
        path.join(store.dataDir, DATABASE_FILE),
      ];
  // Its output is kept, not printed: tests that provoke a refusal on purpose must not look
  // like failures in a green run; the error thrown carries it.
  execFileSync(process.execPath, ['-e', script, target, sql], { stdio: 'pipe' });
}
