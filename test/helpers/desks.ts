import Database from 'better-sqlite3';
import type { VisitorType } from '../../src/shared/visitor-types';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DATABASE_FILE, openContext } from '../../src/server/context';
import { spawnServer, type ServerProcess } from '../reliability/server-process';
import { makeImage } from './images';
import { checkInForm, signIn, STAFF, tempDataDir } from './server';

const ENTRY = path.resolve(__dirname, '../../src/cli/index.ts');

/** The command line, as staff run it on a kiosk: its own process. Resolves with what it printed; rejects with its error output. */
export async function cli(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    env: { ...process.env, FRONTDESK_LOG: 'silent' },
  });
  return stdout;
}

/** Waits until `check` holds (it throws or returns false until then), for at most `ms`. */
export async function eventually<T>(check: () => Promise<T | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result !== false) return result;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`not within ${ms} ms${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Everything a desk holds of its site, read from its data folder by another connection:
 * every replicated row in a fixed order (without what is only this desk's: its row numbers,
 * sessions, what it last heard) and the SHA-256 of every photo file. Two desks that have
 * converged have equal dumps; a digest the code computed about itself would prove nothing.
 */
export function dumpDesk(dataDir: string): Record<string, unknown> {
  const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    const rows = (sql: string) => db.prepare(sql).all();
    const photos: Record<string, string> = {};
    const root = path.join(dataDir, 'photos');
    for (const kind of ['originals', 'thumbs']) {
      const walk = (dir: string): void => {
        for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) walk(full);
          else photos[`${kind}/${entry.name}`] = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
        }
      };
      walk(path.join(root, kind));
    }
    return {
      site: rows('SELECT site_id, name FROM site'),
      desks: rows('SELECT desk_id, name, fingerprint, address, revoked_at FROM desks ORDER BY desk_id'),
      visitors: rows(
        `SELECT v.visitor_id, v.card_no, v.name, v.mobile, v.purpose, v.visitee_no, v.entry_at, v.exit_at, v.exit_kind, v.undone_exits,
                v.created_by, v.erased_at, v.type_id, p.format, p.width, p.height, p.bytes, hex(p.thumbhash) AS thumbhash
           FROM visitors v LEFT JOIN photos p ON p.visitor_seq = v.seq ORDER BY v.visitor_id`,
      ),
      // Part 5: types, agreements with every version and text, signatures (the PNG by its hash), the watchlist.
      types: rows('SELECT * FROM visitor_types ORDER BY type_id'),
      agreements: rows('SELECT * FROM agreements ORDER BY agreement_id'),
      agreementVersions: rows('SELECT * FROM agreement_versions ORDER BY agreement_id, version, sha256, title'),
      agreementTexts: rows('SELECT * FROM agreement_texts ORDER BY sha256'),
      signatures: (
        rows('SELECT * FROM signatures ORDER BY visitor_id') as (Record<string, unknown> & { png: Buffer })[]
      ).map(({ png, ...signature }) => ({ ...signature, png: createHash('sha256').update(png).digest('hex') })),
      watchlist: rows('SELECT * FROM watchlist ORDER BY entry_id'),
      hosts: rows('SELECT * FROM visitees ORDER BY visitee_no'),
      accounts: rows('SELECT id, username, password_hash, role, active, created_at FROM users ORDER BY id'),
      settings: rows('SELECT * FROM settings ORDER BY key'),
      expected: rows('SELECT * FROM expected_visits ORDER BY expected_id'),
      rolls: rows('SELECT * FROM evacuations ORDER BY evacuation_id'),
      marks: rows('SELECT * FROM evacuation_people ORDER BY evacuation_id, visitor_id'),
      // Every desk's trail, this desk's own and its copies of the others', entry for entry.
      audit: rows(
        `SELECT (SELECT desk_id FROM this_desk) AS desk_id, audit_id, time, user_id, username, action, visitor_id, detail,
                hex(hash) AS hash FROM audit_log
         UNION ALL
         SELECT desk_id, audit_id, time, user_id, username, action, visitor_id, detail, hex(hash) FROM audit_copies
         ORDER BY desk_id, audit_id`,
      ),
      photos,
    };
  } finally {
    db.close();
  }
}

export interface Listed {
  visitor_id: string;
  name: string;
  exit_time: string | null;
  erased: boolean;
  has_photo: boolean;
}

/** A desk under test: its server process, its folder and a staff token. */
export class Desk {
  token = '';
  constructor(
    readonly dataDir: string,
    public server: ServerProcess,
  ) {}

  async signIn(): Promise<void> {
    this.token = await signIn(this.server.url, STAFF.username, STAFF.password);
  }

  api(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(this.server.url + path, {
      ...init,
      headers: { authorization: `Token ${this.token}`, ...(init.headers as Record<string, string>) },
    });
  }

  async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await this.api(path, init);
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  async log(): Promise<Listed[]> {
    return (await this.json<{ data: Listed[] }>('/v1/log/?limit=100')).data;
  }

  /** This desk's ID in its site. */
  async deskId(): Promise<string> {
    return (await this.json<{ data: { desk_id: string } }>('/v1/admin/site')).data.desk_id;
  }

  /** Sets the address at which this desk reaches `other`: where nothing listens cuts the link this way. */
  async reach(other: Desk, address: string): Promise<void> {
    await this.json(`/v1/admin/site/desks/${await other.deskId()}/address`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ address }),
    });
  }

  async checkIn(name: string, card: number): Promise<string> {
    const body = checkInForm(await makeImage('jpeg', 160, 120, card), { name, cardno: String(card) });
    return (await this.json<{ visitor_id: string }>('/v1/add/', { method: 'POST', body })).visitor_id;
  }

  /**
   * A contractor's check-in with their signature of the agreement as this desk knows it now;
   * undefined when it was refused because the agreement changed meanwhile (2409) or the type has none here yet.
   */
  async checkInSigned(name: string, card: number, signature: Buffer): Promise<string | undefined> {
    const types = (await this.json<{ data: VisitorType[] }>('/v1/visitor-types')).data;
    const contractor = types.find((type) => type.type_id === 2);
    if (!contractor?.agreement_version) return undefined;
    const body = checkInForm(await makeImage('jpeg', 160, 120, card), {
      name,
      cardno: String(card),
      type_id: '2',
      agreement_version: String(contractor.agreement_version),
    });
    body.set('signature', new Blob([new Uint8Array(signature)], { type: 'image/png' }), 'signature.png');
    const answer = await this.api('/v1/add/', { method: 'POST', body });
    if (answer.status === 409) return undefined;
    if (answer.status !== 200) throw new Error(`a signed check-in answered ${answer.status}: ${await answer.text()}`);
    return ((await answer.json()) as { visitor_id: string }).visitor_id;
  }
}

/** A new data folder made the first desk of a new site (with the test's staff account), serving with its peer listener. */
export async function firstDesk(site: string): Promise<Desk> {
  const dataDir = tempDataDir();
  const setup = await openContext({ dataDir });
  await setup.auth.createFirstUser(STAFF.username, STAFF.password);
  setup.close();
  await cli('site', 'create', '--name', site, '--data-dir', dataDir);
  const desk = new Desk(dataDir, await spawnServer(dataDir, { peerPort: 0 }));
  await desk.signIn();
  return desk;
}

/**
 * A new desk joined to the site through `inviter`, serving: the code made by another process
 * on the inviting desk's folder while it runs, as `site invite` is used.
 */
export async function joinedDesk(inviter: Desk, name: string): Promise<Desk> {
  const code = (await cli('site', 'invite', '--data-dir', inviter.dataDir)).trim().split('\n').at(-1)!;
  const dataDir = tempDataDir();
  await cli(
    'site',
    'join',
    '--peer',
    inviter.server.peerAddress!,
    '--code',
    code,
    '--name',
    name,
    '--data-dir',
    dataDir,
  );
  const desk = new Desk(dataDir, await spawnServer(dataDir, { peerPort: 0 }));
  await desk.signIn();
  return desk;
}

/** What differs between two dumps, section by section, in a few lines: what a failed convergence says. */
export function dumpDifference(a: Record<string, unknown>, b: Record<string, unknown>): string | undefined {
  const lines: string[] = [];
  for (const section of Object.keys(a)) {
    const left = JSON.stringify(a[section]);
    const right = JSON.stringify(b[section]);
    if (left === right) continue;
    const items = (value: unknown): string[] =>
      Array.isArray(value)
        ? value.map((item) => JSON.stringify(item))
        : Object.entries(value as Record<string, unknown>).map((entry) => JSON.stringify(entry));
    const onlyLeft = items(a[section]).filter((item) => !items(b[section]).includes(item));
    const onlyRight = items(b[section]).filter((item) => !items(a[section]).includes(item));
    lines.push(
      `${section}: only in the first ${onlyLeft.slice(0, 3).join(' ')}; only in the second ${onlyRight.slice(0, 3).join(' ')}`,
    );
  }
  return lines.length === 0 ? undefined : lines.join('\n');
}
