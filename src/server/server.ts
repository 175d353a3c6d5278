import type { AddressInfo } from 'node:net';
import { openContext, type AppContext } from './context';
import { buildApp, type RouteSummary } from './http/app';
import type { ConnectionLimits } from './http/connection-guard';
import type { RequestTimeouts } from './http/node-server';
import { servedAtFor, type ServedAt } from './http/host-guard';
import { peerListener } from './site/peer-listener';
import { companySites, type CompanySites } from './company/company-sites';
import type { OutboxOptions } from './notify/outbox';
import type { KeyWrap } from './security/secret-box';

export interface ServerOptions {
  dataDir: string;
  /** A company server's PostgreSQL (context.ts). */
  database?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  rendererDir?: string;
  timeouts?: Partial<RequestTimeouts>;
  connectionLimits?: Partial<ConnectionLimits>;
  /**
   * The URLs the server is reached at through a proxy or load balancer (`serve
   * --public-url`): their Host and Origin are answered as the bound address's are.
   */
  publicUrls?: string[];
  now?: () => number;
  /** How often the automatic sign-out looks for visitors due; tests shorten it. */
  choresIntervalMs?: number;
  /**
   * The peer listener (API contract Part 3), for a desk that belongs to a site: the address
   * to bind (default 127.0.0.1) and the port (0: any free one; default: the one it last used).
   */
  peers?: { host?: string; port?: number };
  /** The outbox's waits (tests shorten them) and the desktop app's keyring for the secrets key. */
  notify?: OutboxOptions;
  keyWrap?: KeyWrap;
}

export interface RunningServer {
  url: string;
  port: number;
  context: AppContext;
  /** Every registered route with its auth mode: what the route-walking tests walk. */
  routes: () => RouteSummary[];
  /** Where the peer listener is, for a desk that belongs to a site or a company server that holds one. */
  peerAddress: string | undefined;
  /** The sites a company server holds (API contract Part 6); none on a desk. */
  sites: CompanySites | undefined;
  /** The connections kept now (connection-guard.ts): for the flood tests and the bench. */
  connections: () => { total: number; untrusted: number; streams: number };
  close(): Promise<void>;
}

/**
 * Starts the embedded /v1 API: the same code under Electron's main process, the
 * headless `serve` command, the tests and the benchmarks. It binds to loopback unless
 * told otherwise: a reception kiosk's data is not for the rest of the network.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const context = await openContext({
    dataDir: options.dataDir,
    ...(options.database ? { database: options.database } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.choresIntervalMs ? { choresIntervalMs: options.choresIntervalMs } : {}),
    ...(options.notify ? { notify: options.notify } : {}),
    ...(options.keyWrap ? { keyWrap: options.keyWrap } : {}),
  });
  let servedAt: ServedAt = { hosts: new Set(), origins: new Set() };
  // Before the first request: a desk that was off at sign-out time catches up first.
  const stopChores = await context.startChores();
  let built: Awaited<ReturnType<typeof buildApp>> | undefined;
  // A desk of a site listens for the other desks; one alone starts to when it creates or joins one.
  const peers = peerListener(context, options.peers);
  // A company server listens for the desks of every site it holds, once it holds one.
  const sites = options.database ? companySites(context, options.now ? { now: options.now } : {}) : undefined;
  let sitesAddress: (() => string | undefined) | undefined;
  try {
    await sites?.load();
    built = await buildApp(context, {
      peers,
      ...(sites ? { sites } : {}),
      rendererDir: options.rendererDir,
      servedAt: () => servedAt,
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      ...(options.connectionLimits ? { connectionLimits: options.connectionLimits } : {}),
    });
    const { app, routes } = built;
    await app.listen({ host, port: options.port ?? 0 });
    const { port } = app.server.address() as AddressInfo;
    servedAt = servedAtFor(host, port, options.publicUrls);
    const urlHost = host.includes(':') ? `[${host}]` : host;
    if (sites) sitesAddress = await sites.listen(options.peers ?? {});
    else await peers.start();
    return {
      url: `http://${urlHost}:${port}`,
      port,
      get peerAddress() {
        return sitesAddress ? sitesAddress() : peers.address();
      },
      sites,
      context,
      routes,
      connections: () => app.connectionGuard.counts(),
      close: async () => {
        stopChores();
        await peers.close();
        await sites?.close();
        await app.close();
        context.close();
      },
    };
  } catch (error) {
    // A port already taken, say: nothing of this start is left running.
    stopChores();
    await peers.close();
    await sites?.close();
    await built?.app.close();
    context.close();
    throw error;
  }
}
