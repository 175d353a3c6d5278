import { execFileSync } from 'node:child_process';
import { describe } from 'vitest';
import { filesContaining } from './data-folder';
import type { StoreOf } from './another-process';

/**
 * Whether this run's test servers are company servers, their store a PostgreSQL database
 * (vitest.postgres.config.mts), rather than desks with a data folder's SQLite.
 */
const onCompanyServer = process.env.FRONTDESK_TEST_POSTGRES !== undefined;

function skipNote(name: string, reason: string): void {
  if (onCompanyServer) console.log(`Skipped against PostgreSQL (${reason}): ${name}`);
}

/**
 * Tests of what only a desk's data folder has (its SQLite file and its locks, its WAL, a
 * data folder of an older version): skipped against a company server, with the reason printed.
 */
export function describeOnDesk(name: string, reason: string, tests: () => void): void {
  skipNote(name, reason);
  describe.skipIf(onCompanyServer)(name, tests);
}

/** Tests of what only a company server has (its database dumped): skipped on a desk's run, with the reason printed. */
export function describeOnCompanyServer(name: string, tests: () => void): void {
  if (!onCompanyServer) console.log(`Runs against PostgreSQL only (vitest.postgres.config.mts): ${name}`);
  describe.runIf(onCompanyServer)(name, tests);
}

/**
 * Where any of the needles is still stored: a desk's files under its data folder (database,
 * WAL, backups, photos), or a company server's photo folder and what pg_dump gives of its
 * database (API contract Part 6: an erasure leaves a dump with nothing of the person).
 */
export function storedCopiesContaining(store: StoreOf, needles: (string | Buffer)[]): string[] {
  const files = filesContaining(store.dataDir, needles);
  if (!store.database) return files;
  const dump = execFileSync('pg_dump', ['--data-only', store.database], { maxBuffer: 1 << 30 });
  const bytes = needles.map((needle) => (typeof needle === 'string' ? Buffer.from(needle, 'utf8') : needle));
  return bytes.some((needle) => dump.includes(needle)) ? [...files, 'pg_dump'] : files;
}
