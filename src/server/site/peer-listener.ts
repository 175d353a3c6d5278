import net from 'node:net';
import { listenAtOf, type ListenAt } from '../../shared/site';
import type { AppContext } from '../context';
import { logger } from '../log';
import { deskSite, startPeerServer } from './peer-server';

const log = logger('peers');

/**
 * The peer listener of a desk that belongs to a site, and its asking the other desks for
 * changes; a desk alone does neither. It starts with the server, or when the desk creates
 * or joins a site from Administration → Site or the first-run screen, and moves when told
 * to listen elsewhere. Without an address given it listens where it last did (kept with the
 * desk), so the other desks still find it after a restart.
 */
export function peerListener(context: AppContext, defaults: Partial<ListenAt> = {}) {
  let running: { at: ListenAt; address: string; close: () => Promise<void> } | undefined;
  let stopPulling: (() => void) | undefined;

  /** Where it last listened, when that was at `host` (or at any host when none is given). */
  function lastUsed(host: string | undefined): ListenAt | undefined {
    const last = context.site.lastAddress();
    const at = last ? listenAtOf(last) : undefined;
    return host === undefined || host === at?.host ? at : undefined;
  }

  async function listen(at: ListenAt, portGiven: boolean): Promise<string> {
    // Asking the other desks needs no listener: a desk that cannot listen still catches up.
    stopPulling ??= context.replication.start();
    let server: Awaited<ReturnType<typeof startPeerServer>>;
    try {
      server = await startPeerServer(deskSite(context), at);
    } catch (error) {
      // The port it last used is taken now: any free one, which the other desks learn.
      if (portGiven || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      server = await startPeerServer(deskSite(context), { ...at, port: 0 });
    }
    running = { ...server, at: listenAtOf(server.address) };
    context.site.listeningAt(server.address);
    return server.address;
  }

  /**
   * Moves the listener to `at`. Where it cannot listen there, it goes back where it
   * listened, so the site does not lose the desk over a typo, and says why it could not.
   */
  async function moveTo(at: ListenAt): Promise<string> {
    const before = running?.at;
    if (before && before.host === at.host && before.port === at.port) return running!.address;
    await running?.close();
    running = undefined;
    try {
      return await listen(at, true);
    } catch (error) {
      if (before) await listen(before, true);
      throw error;
    }
  }

  return {
    /** Where it listens now. */
    address: (): string | undefined => running?.address,
    /**
     * Listens, if this desk belongs to a site: at `at` when given (moving there from where
     * it listened), else as the server was told, else where it last did.
     */
    async start(at?: ListenAt): Promise<string | undefined> {
      if (!context.site.credentials() || !context.site.isMember()) return undefined;
      if (at) return moveTo(at);
      if (running) return running.address;
      const last = lastUsed(defaults.host);
      const host = defaults.host ?? last?.host ?? '127.0.0.1';
      try {
        return await listen({ host, port: defaults.port ?? last?.port ?? 0 }, defaults.port !== undefined);
      } catch (error) {
        // Told where to listen (serve --peer-host/--peer-port): that it cannot is the start's
        // failure. Where it last listened is gone (DHCP gave the kiosk another address): the
        // desk serves its staff all the same, asks the others for changes, and Administration
        // → Site says it listens nowhere, to be moved there.
        if (defaults.host !== undefined || defaults.port !== undefined) throw error;
        log.error({ err: error }, `cannot listen for the other desks at ${host}; set where in Administration → Site`);
        return undefined;
      }
    },
    async close(): Promise<void> {
      stopPulling?.();
      stopPulling = undefined;
      await running?.close();
      running = undefined;
    },
  };
}

export type PeerListener = ReturnType<typeof peerListener>;

/**
 * Whether this desk can listen at an address: tried before a desk joins or creates a site
 * from the screens, so that a port another program holds is said before anything changes.
 * Rejects with the system's error (EADDRINUSE, EADDRNOTAVAIL…).
 */
export async function probeListen(at: ListenAt): Promise<void> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => resolve());
  });
  await new Promise((resolve) => server.close(resolve));
}
