import { Command, InvalidArgumentError, Option } from 'commander';
import { hostFieldsSchema } from '../shared/hosts';
import { ROLES, type Role } from '../shared/staff';
import path from 'node:path';
import { openContext } from '../server/context';
import { auditLogRepository } from '../server/db/repositories/audit-log';
import { siteRepository } from '../server/db/repositories/site';
import { companySites, type CompanySites } from '../server/company/company-sites';
import { verifyChain, verifyCopies } from '../server/services/audit';
import { defaultDataDir } from '../server/data-dir';
import { DEFAULT_SERVE_PORT, startOnStablePort } from '../server/serve-port';
import { startServer } from '../server/server';
import { isUnspecified, publicUrl } from '../server/http/host-guard';
import { parsePeerAddress } from '../server/site/peer-address';
import { readPassword } from './read-password';
import { seedVisitors } from './seed/seed';

/** The headless face of Frontdesk: the server without Electron, and the admin chores. */
export function buildCli(rendererDir: string): Command {
  const program = new Command('frontdesk')
    .description('Frontdesk reception desk: headless server and administration')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('serve')
    .description('start the /v1 API and the desk UI without Electron')
    .option('--data-dir <dir>', 'where the database and photos live', defaultDataDir())
    .option('--database <url>', DATABASE_HELP)
    .option('--photos <dir>', PHOTOS_HELP)
    .option(
      '--port <port>',
      `port to listen on; 0 picks a free one (default: the port of the last start, first ${DEFAULT_SERVE_PORT})`,
      parsePort,
    )
    .option('--host <host>', 'address to bind; keep loopback unless you mean it', '127.0.0.1')
    .option(
      '--public-url <url>',
      'an address the server is reached at through a proxy or load balancer, e.g. https://frontdesk.example.com (repeatable)',
      collectPublicUrl,
      [],
    )
    .option(
      '--peer-port <port>',
      'port for the other desks of the site (TLS); 0 picks a free one (default: the port of the last start)',
      parsePort,
    )
    .option(
      '--peer-host <host>',
      'address the other desks reach this desk at (a LAN address on a real site; default: where it last listened, else 127.0.0.1)',
    )
    .action(
      async (
        options: StoreOptions & {
          port?: number;
          host: string;
          publicUrl: string[];
          peerPort?: number;
          peerHost?: string;
        },
      ) => {
        const store = storeOf(options);
        if (isUnspecified(options.host) && options.publicUrl.length === 0) {
          throw new Error(
            `--host ${options.host} stands for every address, which is no name: say where staff reach the server with --public-url.`,
          );
        }
        const peers = {
          ...(options.peerHost !== undefined ? { host: options.peerHost } : {}),
          ...(options.peerPort !== undefined ? { port: options.peerPort } : {}),
        };
        const start = (port: number) =>
          startServer({ ...store, port, host: options.host, publicUrls: options.publicUrl, rendererDir, peers });
        const server =
          options.port === undefined ? await startOnStablePort(store.dataDir, start) : await start(options.port);
        await createAdminFromEnvironment(server.context);
        console.log(`Frontdesk listening on ${server.url}`);
        if (server.peerAddress) console.log(`Frontdesk peers on ${server.peerAddress}`);
        const stop = (): void => {
          void server.close().then(() => process.exit(0));
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      },
    );

  const user = program.command('user').description('staff accounts');
  withStore(
    user
      .command('add <username>')
      .description('add a staff account; the password is read from standard input')
      .addOption(
        new Option(
          '--role <role>',
          'admin or reception (default: admin for the first account, reception after)',
        ).choices(ROLES),
      )
      .action(async (username: string, options: StoreOptions & { role?: Role }) => {
        const password = await readPassword();
        await withContext(storeOf(options), async (ctx) => {
          const id = await ctx.auth.createUser(username, password, { role: options.role, by: 'command line' });
          const role = ctx.repositories.users.byId(id)!.role;
          console.log(`Added staff account ${username} (${role}).`);
        });
      }),
  );

  withStore(
    user
      .command('deactivate <username>')
      .description(
        'deactivate a staff account and end its sessions at once, also in a running desk (for when the ' +
          'desk’s window cannot be reached)',
      )
      .action(async (username: string, options: StoreOptions) => {
        await withContext(storeOf(options), async (ctx) => {
          const account = ctx.repositories.users.findByUsername(username);
          // Inside an action: a plain Error, which run.ts prints (commander prints only the errors it raises).
          if (!account) throw new Error(`there is no staff account named "${username}".`);
          if (!account.active) {
            console.log(`${account.username} was already inactive; its sessions had ended.`);
            return;
          }
          await ctx.auth.changeUser(account.id, { active: false }, 'command line');
          console.log(`Deactivated ${account.username}: every session of it has ended.`);
        });
      }),
  );

  const photos = program.command('photos').description("visitors' photos");
  withStore(
    photos
      .command('purge')
      .description('delete the photos of visitors who left more than N days ago (their visits stay in the log)')
      .requiredOption('--older-than-days <days>', 'how many days after the visitor left', parseCount)
      .action(async (options: StoreOptions & { olderThanDays: number }) => {
        await withContext(storeOf(options), async (ctx) => {
          const { photos: purged } = await ctx.erasure.applyRetention(options.olderThanDays, null);
          console.log(`Deleted the photos of ${purged} visitors.`);
        });
      }),
  );

  const visitee = program.command('visitee').description('people who can be visited');
  withStore(
    visitee
      .command('add')
      .description('add a person who can be visited')
      .requiredOption('--name <name>', 'their name')
      .option('--email <email>', 'their e-mail address')
      .action(async (options: StoreOptions & { name: string; email?: string }) => {
        // The admin form's rules: a host added here can be edited there.
        const checked = hostFieldsSchema.safeParse({ name: options.name, email: options.email });
        if (!checked.success) throw new Error(checked.error.issues[0]?.message ?? 'not a valid host.');
        await withContext(storeOf(options), async (ctx) => {
          const host = ctx.hosts.create(checked.data);
          console.log(`Added visitee ${host.visitee_no}: ${host.name}.`);
        });
      }),
  );

  const site = program.command('site').description('one site, several desks');
  withStore(
    site
      .command('create')
      .description('make this desk the first desk of a new site; on a company server, make a site there')
      .requiredOption('--name <name>', 'the site, as staff call it'),
  ).action(async (options: StoreOptions & { name: string }) => {
    const name = checkedName(options.name, 'site');
    await withContext(storeOf(options), async (ctx) => {
      if (ctx.db.dialect === 'postgres') {
        // A company server holds any number of sites (API contract Part 6): a new one each time.
        const siteId = await withSites(ctx, (sites) => sites.create(name));
        console.log(`Created the site ${name} on the company server; its desks join it with "site invite --site".`);
        console.log(siteId);
        return;
      }
      await ctx.site.create(name);
      console.log(`Created the site ${name}; this desk is its first desk.`);
    });
  });
  withStore(
    site
      .command('invite')
      .description('print a one-time join code (valid 15 minutes) for a new desk; the server may be running')
      .option('--site <site_id>', 'on a company server: the site the desk joins'),
  ).action(async (options: StoreOptions & { site?: string }) => {
    const store = storeOf(options);
    if ((options.site === undefined) !== (store.database === undefined)) {
      throw new Error('--site goes with --database: a company server holds many sites, a desk one.');
    }
    await withContext(store, async (ctx) => {
      const { code, address } = options.site
        ? await withSites(ctx, (sites) => sites.invite(options.site!))
        : { code: ctx.site.invite().code, address: ctx.site.lastAddress() };
      console.log(`On the new desk: site join --peer ${address ?? 'https://<this desk>:<peer port>'} --code ${code}`);
      console.log(code);
    });
  });
  site
    .command('join')
    .description('join this new desk to a site, with a code the inviting desk printed')
    .requiredOption('--peer <url>', "the inviting desk's peer address, https://host:port")
    .requiredOption('--code <code>', 'the join code')
    .requiredOption('--name <name>', 'this desk, as staff call it (e.g. "Side door")')
    .requiredOption('--data-dir <dir>', 'the data directory')
    .action(async (options: { peer: string; code: string; name: string; dataDir: string }) => {
      const peer = checkedPeerAddress(options.peer);
      await withContext({ dataDir: options.dataDir }, async (ctx) => {
        await ctx.site.join(peer, options.code, checkedName(options.name, 'desk'), null);
        console.log(`Joined the site: this desk holds it now, and signs in with its staff accounts.`);
      });
    });
  site
    .command('address')
    .description('set the address at which this desk reaches another desk of the site')
    .requiredOption('--desk <desk_id>', 'the other desk')
    .requiredOption('--address <url>', 'https://host:port')
    .requiredOption('--data-dir <dir>', 'the data directory')
    .action(async (options: { desk: string; address: string; dataDir: string }) => {
      const address = checkedPeerAddress(options.address);
      await withContext({ dataDir: options.dataDir }, async (ctx) => {
        ctx.site.setAddressFor(options.desk, address);
        console.log(`This desk reaches ${options.desk} at ${address} from now on.`);
      });
    });

  const audit = program.command('audit').description('the audit trail');
  withStore(audit.command('verify'))
    .description(
      'check the audit trail: its append-only triggers, IDs without a gap, and the hash chain; ' +
        'with --head, whether a newest hash printed by an earlier verify is still in the chain',
    )
    .option('--head <hash>', 'a newest hash kept from an earlier verify', parseHash)
    .action(async (options: StoreOptions & { head?: string }) => {
      await withContext(storeOf(options), async (ctx) => {
        verifyTrails(ctx, '', options.head);
        // A company server holds every site's trails too (API contract Part 6): each checked as a desk's.
        if (ctx.db.dialect === 'postgres') {
          await withSites(ctx, async (sites) => {
            await sites.load();
            for (const { ctx: site, siteId } of sites.all()) {
              verifyTrails(site, `Site ${site.site.status(undefined)!.name} (${siteId}): `, undefined);
            }
          });
        }
      });
    });

  withStore(
    program
      .command('seed')
      .description('fill a data directory with realistic visitors and generated photos')
      .requiredOption('--visitors <n>', 'how many visitors', parseCount)
      .option('--without-photos', 'rows only (for very large benchmark data sets)')
      .action(async (options: StoreOptions & { visitors: number; withoutPhotos?: boolean }) => {
        await withContext(storeOf(options), async (ctx) => {
          const started = Date.now();
          let lastReport = 0;
          const summary = await seedVisitors(ctx, {
            visitors: options.visitors,
            withoutPhotos: options.withoutPhotos ?? false,
            onProgress: (done, total) => {
              if (Date.now() - lastReport > 2000 || done === total) {
                lastReport = Date.now();
                process.stderr.write(`seeded ${done}/${total}\n`);
              }
            },
          });
          const seconds = ((Date.now() - started) / 1000).toFixed(1);
          console.log(
            `Seeded ${summary.visitors} visitors (${summary.onSite} on site, ${summary.withPhoto} with photos) in ${seconds} s.`,
          );
        });
      }),
  );

  return program;
}

const DATABASE_HELP = "a company server's PostgreSQL in place of --data-dir: postgres://user:password@host:port/db";
const PHOTOS_HELP = 'with --database: the folder for photos and keys that every instance of the server reaches';

/** --data-dir, or --database with --photos: the commands whose data may be a company server's. */
function withStore(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'the data directory')
    .option('--database <url>', DATABASE_HELP)
    .option('--photos <dir>', PHOTOS_HELP);
}

interface StoreOptions {
  dataDir?: string;
  database?: string;
  photos?: string;
}

/** Where a command's data is: a desk's data folder, or a company server's database and its folder (API contract Part 6). */
function storeOf(options: StoreOptions): Store {
  if (options.database !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(options.database)) throw new Error('--database must be a postgres:// URL.');
    if (options.photos === undefined) throw new Error('--database needs --photos, a folder every instance reaches.');
    return { dataDir: path.resolve(options.photos), database: options.database };
  }
  if (options.photos !== undefined) throw new Error('--photos goes with --database.');
  if (options.dataDir === undefined) throw new Error('say where the data is: --data-dir, or --database with --photos.');
  return { dataDir: path.resolve(options.dataDir) };
}

interface Store {
  dataDir: string;
  database?: string;
}

async function withContext(store: Store, work: (ctx: Awaited<ReturnType<typeof openContext>>) => Promise<void>) {
  // Beside a running desk: what it is writing now is not a leftover (context.ts).
  const ctx = await openContext({ ...store, dataDir: path.resolve(store.dataDir), sweepInterrupted: false });
  try {
    await work(ctx);
  } finally {
    ctx.close();
  }
}

/**
 * Checks the audit trails a store holds and says what it found, each line after `where`: its
 * own chain (against `head`, a newest hash kept from an earlier verify), and its copies of the
 * other desks' chains. A broken one sets the exit code.
 */
function verifyTrails(ctx: Awaited<ReturnType<typeof openContext>>, where: string, head: string | undefined): void {
  const check = verifyChain(auditLogRepository(ctx.db), head);
  if (check.ok) {
    console.log(
      `${where}The audit trail is whole: ${check.entries} entries, its triggers in place, IDs without a gap, ` +
        'every hash following from the one before.',
    );
  } else {
    console.error(`${where}The audit trail is broken: ${check.problems.join('; ')}.`);
    console.error(`${where}${check.entries} entries before the first problem are whole.`);
    process.exitCode = 3;
  }
  if (check.earlierHead?.found) {
    const { auditId, after } = check.earlierHead;
    console.log(
      `The head kept earlier is entry ${auditId}; ${after} ${after === 1 ? 'entry' : 'entries'} came after it.`,
    );
  } else if (check.earlierHead) {
    console.error('The head kept earlier is not in the chain: entries up to it were changed or removed.');
    process.exitCode = 3;
  }
  // Kept elsewhere, the newest hash proves later that nothing up to it was rewritten or cut off.
  if (check.ok) console.log(`${where}Newest hash: ${check.head}`);
  // Every other desk's trail this desk holds a copy of, each its own chain.
  const desks = siteRepository(ctx.db);
  const copies = verifyCopies(auditLogRepository(ctx.db), (deskId) => desks.desk(deskId)?.certificate);
  if (copies.problems.length > 0) {
    console.error(`${where}The copies of other desks' trails are not protected: ${copies.problems.join('; ')}.`);
    process.exitCode = 3;
  }
  const names = new Map(desks.desks().map((desk) => [desk.desk_id, desk.name]));
  for (const { deskId, check: copy } of copies.chains) {
    const whose = `${where}The copy of ${names.get(deskId) ?? 'desk'} ${deskId}'s trail`;
    if (copy.ok) console.log(`${whose} is whole: ${copy.entries} entries, newest hash ${copy.head}.`);
    else {
      console.error(`${whose} is broken: ${copy.problems.join('; ')}.`);
      process.exitCode = 3;
    }
  }
}

/** The sites of a company server, opened for one command beside its running instances. */
async function withSites<T>(ctx: Awaited<ReturnType<typeof openContext>>, work: (sites: CompanySites) => Promise<T>) {
  const sites = companySites(ctx, { sweepInterrupted: false });
  try {
    return await work(sites);
  } finally {
    await sites.close();
  }
}

/** FRONTDESK_ADMIN_USER / FRONTDESK_ADMIN_PASSWORD create the first account of an empty data directory. */
async function createAdminFromEnvironment(ctx: Awaited<ReturnType<typeof openContext>>): Promise<void> {
  const username = process.env.FRONTDESK_ADMIN_USER;
  const password = process.env.FRONTDESK_ADMIN_PASSWORD;
  if (!username || !password || !ctx.auth.needsFirstUser()) return;
  await ctx.auth.createFirstUser(username, password);
  console.log(`Created the first staff account, ${username}.`);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535.');
  return port;
}

function collectPublicUrl(value: string, earlier: string[]): string[] {
  try {
    publicUrl(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return [...earlier, value];
}

function parseHash(value: string): string {
  if (!/^[0-9a-f]{64}$/i.test(value)) throw new InvalidArgumentError('must be the 64 hex digits a verify printed.');
  return value.toLowerCase();
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value) || count < 1 || count > 10_000_000) {
    throw new InvalidArgumentError('must be a whole number from 1 to 10000000.');
  }
  return count;
}

function checkedName(value: string, what: string): string {
  const name = value.trim();
  if (name.length === 0 || name.length > 100) throw new Error(`the ${what} name must be 1 to 100 characters.`);
  return name;
}

/** A peer address: https, a host and a port, nothing else. */
function checkedPeerAddress(value: string): string {
  const address = parsePeerAddress(value);
  if (!address) throw new Error(`"${value}" is not a peer address like https://192.168.1.20:4443.`);
  return address;
}
