import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { relay } from './tcp-relay';

export type LinkState = 'up' | 'down' | 'flaky';

/**
 * A TCP proxy in front of one desk's peer listener: the network between two desks, made to
 * fail on purpose. `down` refuses every connection; `flaky` cuts each connection after a few
 * kilobytes, mid-request or mid-answer. TLS passes through untouched (desks pin certificates,
 * not addresses), so what the desks see is a network, not a test double of either desk.
 */
export class FaultProxy {
  state: LinkState = 'up';
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private target: { host: string; port: number },
    private readonly random: () => number,
  ) {}

  async start(): Promise<string> {
    this.server = net.createServer((client) => this.connect(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Cuts the connections open now, as a link going down does. */
  set(state: LinkState): void {
    this.state = state;
    if (state !== 'up') for (const socket of this.sockets) socket.destroy();
  }

  private connect(client: net.Socket): void {
    if (this.state === 'down') {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    if (this.state === 'flaky') {
      let budget = Math.floor(this.random() * 16_384);
      const spend = (chunk: Buffer): void => {
        budget -= chunk.length;
        if (budget < 0) {
          client.destroy();
          upstream.destroy();
        }
      };
      client.on('data', spend);
      upstream.on('data', spend);
    }
    relay(client, upstream, this.sockets);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
