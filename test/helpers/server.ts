import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/server';
import { createDatabase, dropDatabase } from './postgres-cluster';

export const STAFF = { username: 'reception', password: 'correct horse battery' };

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Its PostgreSQL database, when it runs as a company server (vitest.postgres.config.mts). */
  database: string | undefined;
  token: string;
  /** fetch against the server with the staff token unless `auth: false`. */
  api(pathname: string, init?: RequestInit & { auth?: boolean | string }): Promise<Response>;
  stop(): Promise<void>;
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-test-'));
}

/**
 * The PostgreSQL server the API suite runs against as a company server's store
 * (vitest.postgres.config.mts), or undefined: each test server then gets a database of its own.
 */
const postgresServer = process.env.FRONTDESK_TEST_POSTGRES;
let databases = 0;
/** A server started again on a data folder finds its data again: the database made for it. */
const databaseOf = new Map<string, { name: string; url: string }>();

async function testDatabase(dataDir: string): Promise<{ name: string; url: string } | undefined> {
  if (!postgresServer) return undefined;
  let database = databaseOf.get(dataDir);
  if (!database) {
    const name = `test_${process.pid}_${++databases}`;
    database = { name, url: await createDatabase(postgresServer, name) };
    databaseOf.set(dataDir, database);
  }
  return database;
}

/**
 * A real server on a real port over a fresh data folder, with one staff account signed in;
 * under vitest.postgres.config.mts, with a fresh PostgreSQL database as its store.
 */
export async function startTestServer(
  options: Partial<ServerOptions> & { staff?: typeof STAFF } = {},
): Promise<TestServer> {
  const { staff = STAFF, ...serverOptions } = options;
  const dataDir = serverOptions.dataDir ?? tempDataDir();
  const made = serverOptions.database ? undefined : await testDatabase(dataDir);
  const database = serverOptions.database ?? made?.url;
  const server = await startServer({ port: 0, ...serverOptions, dataDir, ...(database ? { database } : {}) });
  if (server.context.auth.needsFirstUser()) await server.context.auth.createFirstUser(STAFF.username, STAFF.password);
  const api = (pathname: string, init: RequestInit & { auth?: boolean | string } = {}): Promise<Response> => {
    const { auth = true, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (auth !== false) headers.set('authorization', `Token ${typeof auth === 'string' ? auth : token}`);
    return fetch(server.url + pathname, { ...rest, headers });
  };
  // Signed in through the service, not over HTTP: a server started with tight deadlines for
  // requests without a token (the flood tests) must not turn its own test's sign-in away
  // when the machine is busy. The HTTP sign-in has tests of its own (test/api/oauth.test.ts).
  const { access_token: token } = await server.context.auth.login({ ...staff, deviceInfo: 'test helper' });
  return {
    ...server,
    dataDir,
    database,
    token,
    api,
    stop: async () => {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (made) {
        databaseOf.delete(dataDir);
        await dropDatabase(postgresServer!, made.name);
      }
    },
  };
}

export interface CheckInForm {
  cardno?: string;
  name?: string;
  mobile?: string;
  purpose?: string;
  visitee_no?: string;
  access_token?: string;
  expected_id?: string;
  type_id?: string;
  agreement_version?: string;
  returning_id?: string;
  override_watchlist?: string;
  watchlist_note?: string;
}

let nextCard = 1;

/** A valid check-in form with a fresh card number; override any field, `undefined` leaves it out. */
export function checkInForm(image: Buffer | null, overrides: CheckInForm = {}, fileName = 'photo.jpg'): FormData {
  const fields: CheckInForm = {
    cardno: String(nextCard++),
    name: 'Ada Lovelace',
    mobile: '+447700900123',
    purpose: 'Meeting',
    ...overrides,
  };
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) form.set(key, value);
  if (image) form.set('image', new Blob([new Uint8Array(image)], { type: 'image/jpeg' }), fileName);
  return form;
}

export async function errorCode(response: Response): Promise<string> {
  const body = (await response.json()) as { success: boolean; errors?: { code: string } };
  if (body.success !== false || !body.errors) throw new Error(`expected an error body, got ${JSON.stringify(body)}`);
  return body.errors.code;
}

/** Every file under the data folder except the database's own, for "nothing was left behind" checks. */
export function photoFiles(dataDir: string): string[] {
  const root = path.join(dataDir, 'photos');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((rel) => fs.statSync(path.join(root, rel)).isFile())
    .sort();
}

/** A JSON request for `server.api`: the method, the body as JSON, and its Content-Type. */
export function jsonRequest(method: string, body: unknown, auth?: string): RequestInit & { auth?: string } {
  return {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(auth ? { auth } : {}),
  };
}

/** Signs in over HTTP and returns the token. */
export async function signIn(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/v1/oauth/`, {
    method: 'POST',
    body: new URLSearchParams({ username, password }),
  });
  if (response.status !== 200) throw new Error(`sign-in of ${username} answered ${response.status}`);
  return ((await response.json()) as { data: { access_token: string } }).data.access_token;
}

/** A port nothing listens on now, on loopback. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
