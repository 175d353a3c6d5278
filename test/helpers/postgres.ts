import { afterAll, beforeAll, describe } from 'vitest';
import { postgresBinaries, startPostgres, type PostgresCluster } from './postgres-cluster';

const binaries = postgresBinaries();
if ('missing' in binaries) console.log(`PostgreSQL tests skipped: ${binaries.missing}`);

/** describe, skipped (with the reason printed) where the machine has no PostgreSQL server. */
export function describeWithPostgres(name: string, tests: () => void): void {
  describe.skipIf('missing' in binaries)(name, tests);
}

/** A cluster for the file's tests: started before them, removed after. */
export function usePostgresCluster(): () => PostgresCluster {
  let cluster: PostgresCluster | undefined;
  beforeAll(async () => {
    if ('bin' in binaries) cluster = await startPostgres(binaries.bin);
  });
  afterAll(() => cluster?.remove());
  return () => cluster!;
}
