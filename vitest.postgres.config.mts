import { defineConfig } from 'vitest/config';
import { postgresBinaries } from './test/helpers/postgres-cluster';
import base from './vitest.config.mjs';

const binaries = postgresBinaries();
if ('missing' in binaries) console.log(`The API suite against PostgreSQL is skipped: ${binaries.missing}`);

/**
 * The API suite again, with every test server's store a PostgreSQL database instead of a
 * data folder's SQLite (API contract Part 6: Parts 1, 2, 4 and 5 behave the same against a
 * company server). One cluster for the run (test/helpers/postgres-global.ts).
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    // The route walk too: a company server has routes of its own (GET /v1/sites).
    include:
      'missing' in binaries
        ? []
        : ['test/api/**/*.test.ts', 'test/notify/**/*.test.ts', 'test/security/route-walk.test.ts'],
    passWithNoTests: 'missing' in binaries,
    globalSetup: ['test/helpers/postgres-global.ts'],
  },
});
