import { migratePostgres } from './migrate';
import type { PgDatabase } from './pg-database';
import { PG_SCHEMA_STEPS } from './schema';

/** A site's ID as a company server names it (32 hex digits, as `site create` makes them). */
export const SITE_ID = /^[0-9a-f]{32}$/;

/**
 * The schema that holds one site's store on a company server (API contract Part 6, Sites):
 * the whole schema of a desk, so that the company server is a desk of each site and the
 * several-desks protocol needs nothing new. The company's own store stays in the
 * connection's default schema.
 */
export function siteSchemaOf(siteId: string): string {
  if (!SITE_ID.test(siteId)) throw new Error(`not a site ID: ${siteId}`);
  return `site_${siteId}`;
}

/** The store of a site, over the company store's connections, its schema made or brought up to date first. */
export function openSiteStore(company: PgDatabase, siteId: string): PgDatabase {
  const schema = siteSchemaOf(siteId);
  const db = company.inSchema(schema);
  migratePostgres(db, PG_SCHEMA_STEPS, { schema });
  return db;
}

/**
 * Whether a site's making finished: its schema has the site's row (written after its tables,
 * with the company server's desk). A schema without one is being made, or its making was cut
 * short, and is no site.
 */
export function siteIsMade(company: PgDatabase, siteId: string): boolean {
  return (
    company
      .prepare<[], number>(`SELECT count(*) FROM "${siteSchemaOf(siteId)}".site`)
      .pluck()
      .get()! > 0
  );
}

/** The schemas a company database holds sites' stores in, made or being made (siteIsMade). */
export function siteIdsIn(company: PgDatabase): string[] {
  return company
    .prepare<[], string>(
      `SELECT substr(nspname, 6) FROM pg_namespace WHERE nspname ~ '^site_[0-9a-f]{32}$' ORDER BY nspname`,
    )
    .pluck()
    .all();
}
