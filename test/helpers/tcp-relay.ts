import type net from 'node:net';

/**
 * Passes bytes both ways between a client and the connection made for it, untouched, and
 * ends each when the other ends; `open` holds both while they are, for closing them all.
 */
export function relay(client: net.Socket, upstream: net.Socket, open: Set<net.Socket>): void {
  for (const socket of [client, upstream]) {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
  }
  client.pipe(upstream);
  upstream.pipe(client);
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
}
