import { postgresBinaries, startPostgres } from './postgres-cluster';

/**
 * Vitest's global set-up for the API suite against a company server (vitest.postgres.config.mts):
 * one cluster for the whole run, whose address every test server's helper finds in
 * FRONTDESK_TEST_POSTGRES and makes a database of its own on (helpers/server.ts).
 */
export default async function setup(): Promise<(() => void) | undefined> {
  const binaries = postgresBinaries();
  if ('missing' in binaries) return undefined;
  const cluster = await startPostgres(binaries.bin);
  process.env.FRONTDESK_TEST_POSTGRES = `postgres://postgres@127.0.0.1:${cluster.port}`;
  process.env.FRONTDESK_TEST_PGDATA = cluster.dataDir;
  return () => cluster.remove();
}
