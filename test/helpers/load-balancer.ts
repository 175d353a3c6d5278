import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { relay } from './tcp-relay';

/**
 * A TCP load balancer on loopback, as one in front of a company server's instances: each
 * new connection goes to the next instance in turn, and bytes pass through untouched (the
 * Host header is the balancer's own address, as a client reaching it sends it).
 */
export class LoadBalancer {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private next = 0;
  /** Which instance each connection went to, in order: the test sees that both served. */
  readonly sentTo: number[] = [];
  targets: { host: string; port: number }[] = [];

  /** Listens; the instances are set once they know the address they are reached at. */
  async start(): Promise<string> {
    this.server = net.createServer((client) => this.connect(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private connect(client: net.Socket): void {
    const index = this.next++ % this.targets.length;
    this.sentTo.push(index);
    relay(client, net.connect(this.targets[index]!.port, this.targets[index]!.host), this.sockets);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
