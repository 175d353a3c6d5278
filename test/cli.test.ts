import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openContext } from '../src/server/context';
import { describeWithPostgres, usePostgresCluster } from './helpers/postgres';
import { tempDataDir } from './helpers/server';
import { spawnServer, stopServer } from './reliability/server-process';

/** The command line as a user runs it: a real process over a real data folder. */
const CLI = ['--import', 'tsx', path.resolve(__dirname, '../src/cli/index.ts')];

function cli(args: string[], input?: string) {
  return spawnSync(process.execPath, [...CLI, ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, FRONTDESK_LOG: 'silent' },
    timeout: 120_000,
  });
}

/** `frontdesk serve` on a free port, once it says where it listens. */
async function serve(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [...CLI, 'serve', ...args, '--port', '0'], {
    env: { ...process.env, FRONTDESK_LOG: 'silent', ...env },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^Frontdesk listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', () => reject(new Error(out)));
  });
  return { child, url };
}

describe('the frontdesk command line', () => {
  const dataDir = tempDataDir();
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('adds a staff account with the password from standard input; the first is an admin whatever was asked', async () => {
    const result = cli(
      ['user', 'add', 'night-shift', '--role', 'reception', '--data-dir', dataDir],
      'a very long password\n',
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Added staff account night-shift (admin).');
    const ctx = await openContext({ dataDir });
    const token = await ctx.auth.login({
      username: 'night-shift',
      password: 'a very long password',
      deviceInfo: 'test',
    });
    expect(token.access_token).toBeTruthy();
    ctx.close();
  });

  it('makes later accounts reception unless told otherwise, and refuses a role that does not exist', () => {
    const reception = cli(['user', 'add', 'day-shift', '--data-dir', dataDir], 'another long password\n');
    expect(reception.stdout).toContain('Added staff account day-shift (reception).');
    const admin = cli(['user', 'add', 'manager', '--role', 'admin', '--data-dir', dataDir], 'a managers password\n');
    expect(admin.stdout).toContain('Added staff account manager (admin).');
    const wrong = cli(['user', 'add', 'boss', '--role', 'owner', '--data-dir', dataDir], 'a bosses password\n');
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/Allowed choices are admin, reception/);
  });

  it('adds a visitee', () => {
    const result = cli([
      'visitee',
      'add',
      '--name',
      'Grace Hopper',
      '--email',
      'grace@example.com',
      '--data-dir',
      dataDir,
    ]);
    expect(result.stdout).toMatch(/Added visitee \d+: Grace Hopper\./);
  });

  it('seeds realistic visitors: a third on site, varied names, photos in several formats', async () => {
    const result = cli(['seed', '--visitors', '150', '--data-dir', dataDir]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Seeded 150 visitors \(50 on site, \d+ with photos\)/);
    const ctx = await openContext({ dataDir });
    const formats = ctx.db.prepare('SELECT format, count(*) AS n FROM photos GROUP BY format').all() as {
      format: string;
    }[];
    expect(formats.map((f) => f.format).sort()).toEqual(['bmp', 'jpeg', 'png', 'webp']);
    // Seeded visits that ended, ended at a desk.
    expect(ctx.db.prepare('SELECT DISTINCT exit_kind FROM visitors WHERE exit_at IS NOT NULL').all()).toEqual([
      { exit_kind: 'desk' },
    ]);
    const onSite = ctx.visitors.onSite();
    expect(onSite).toHaveLength(50);
    expect(new Set(onSite.map((v) => v.card_no)).size).toBe(50);
    expect(new Set(ctx.visitors.log({ limit: 150 }).visitors.map((v) => v.name)).size).toBeGreaterThan(60);
    ctx.close();
  });

  it.each([
    [['bogus']],
    [['seed', '--data-dir', 'x']],
    [['seed', '--visitors', 'many', '--data-dir', 'x']],
    [['serve', '--port', '70000']],
    [['user', 'add']],
  ])('prints usage and exits non-zero for %j', (args) => {
    const result = cli(args);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/error|Usage/);
  });

  it('serves, creates the first account from the environment, and says where it listens', async () => {
    const fresh = tempDataDir();
    const { child, url } = await serve(['--data-dir', fresh], {
      FRONTDESK_ADMIN_USER: 'admin',
      FRONTDESK_ADMIN_PASSWORD: 'first password here',
    });
    try {
      const response = await fetch(`${url}/v1/oauth/`, {
        method: 'POST',
        body: new URLSearchParams({ username: 'admin', password: 'first password here' }),
      });
      expect(response.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  });
});

describe('frontdesk serve on every address', () => {
  it('refuses to start without a public URL to answer, and refuses a public URL that is not one', () => {
    const dataDir = tempDataDir();
    try {
      const everywhere = cli(['serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir]);
      expect(everywhere.status).toBe(1);
      expect(everywhere.stderr).toContain('say where staff reach the server with --public-url');
      const bad = cli(['serve', '--public-url', 'https://frontdesk.example.com/desk', '--data-dir', dataDir]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('leave out the path');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('frontdesk user deactivate', () => {
  const dataDir = tempDataDir();
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('says so when there is no such account, and changes nothing', () => {
    const result = cli(['user', 'deactivate', 'nobody', '--data-dir', dataDir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('there is no staff account named "nobody"');
  });
});

describe('frontdesk serve without --port', () => {
  const dataDir = tempDataDir();
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** Starts serve without --port, stops it: the port it listened on. */
  async function servePort(): Promise<number> {
    const server = await spawnServer(dataDir, { port: null });
    await stopServer(server);
    return Number(new URL(server.url).port);
  }

  it('listens on the same port at every start, and moves only when another program holds it', async () => {
    const first = await servePort();
    expect(await servePort()).toBe(first);
    // Another program takes that port: serve moves, and stays on its new port afterwards.
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(first, '127.0.0.1', resolve));
    try {
      const moved = await servePort();
      expect(moved).not.toBe(first);
      expect(await servePort()).toBe(moved);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});

describeWithPostgres("frontdesk on a company server's PostgreSQL", () => {
  const cluster = usePostgresCluster();
  const photos = tempDataDir();
  afterAll(() => fs.rmSync(photos, { recursive: true, force: true }));

  it('adds the first account and serves with --database and --photos, and says what is missing', async () => {
    const database = await cluster().createDatabase('cli');
    const store = ['--database', database, '--photos', photos];
    const added = cli(['user', 'add', 'head-office', ...store], 'a head office password\n');
    expect(added.stdout, added.stderr).toContain('Added staff account head-office (admin).');
    const { child, url } = await serve(store);
    try {
      const signedIn = await fetch(`${url}/v1/oauth/`, {
        method: 'POST',
        body: new URLSearchParams({ username: 'head-office', password: 'a head office password' }),
      });
      expect(signedIn.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    const withoutPhotos = cli(['user', 'add', 'x', '--database', database], 'a password of length\n');
    expect(withoutPhotos.status).toBe(1);
    expect(withoutPhotos.stderr).toContain('--database needs --photos');
    const notPostgres = cli(['user', 'add', 'x', '--database', 'mysql://h/db', '--photos', photos], 'pw\n');
    expect(notPostgres.stderr).toContain('--database must be a postgres:// URL');
    expect(fs.existsSync(path.join(photos, 'frontdesk.db'))).toBe(false);
  });
});
