import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DATABASE_FILE } from '../../src/server/context';

/**
 * Another process on the same data folder (the CLI, a second desk) running SQL against the
 * database while the server under test has it open: a real second connection, not a stand-in.
 */
export function sqlInAnotherProcess(dataDir: string, sql: string): void {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('busy_timeout = 5000');
    db.exec(process.argv[2]);
    db.close();`;
  // Its output is kept, not printed: tests that provoke a refusal on purpose must not look
  // like failures in a green run; the error thrown carries it.
  execFileSync(process.execPath, ['-e', script, path.join(dataDir, DATABASE_FILE), sql], { stdio: 'pipe' });
}
