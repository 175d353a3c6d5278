import Database from 'better-sqlite3';
import { SqliteDatabase } from '../src/server/db/connection';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DATABASE_FILE } from '../src/server/context';
import { visitorsRepository } from '../src/server/db/repositories/visitors';
import { logFilter } from '../src/server/services/log-search';

/**
 * The floor for log pages and search: plain node:http running the very same better-sqlite3
 * statement the desk's log runs (the repository's page, with the filter built the same
 * way) and answering its rows with JSON.stringify. No authentication, no mapping of rows
 * to the API's visitors, no signed thumbnail URLs, no framework.
 */
const db = new Database(path.join(process.argv[2]!, DATABASE_FILE));
const visitors = visitorsRepository(new SqliteDatabase(db));

const server = http.createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://floor.invalid');
  const limit = Number(url.searchParams.get('limit') ?? 50);
  const filter = logFilter({ q: url.searchParams.get('q') ?? undefined }, visitors);
  const rows = visitors.page(
    { direction: 'older', search: filter.match !== undefined, onSite: false, dated: filter.dated },
    { ...filter.params, seq: Number.MAX_SAFE_INTEGER, limit: limit + 1 },
  );
  // The thumbhash as the API sends it (base64); a Buffer would stringify as a long array.
  const page = rows.slice(0, limit).map((row) => ({ ...row, thumbhash: row.thumbhash?.toString('base64') ?? null }));
  const body = JSON.stringify({ success: true, data: page });
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
