import os from 'node:os';

/**
 * A desk's peer address as staff type it, made canonical: https, a host and a port, nothing
 * else (no path, no credentials). Undefined when it is not one.
 */
export function parsePeerAddress(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || !url.hostname || !url.port) return undefined;
  if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    return undefined;
  }
  return `https://${url.host}`;
}

/** This computer's addresses another desk could reach it at: LAN IPv4 first, then IPv6, then loopback. */
export function peerHosts(): string[] {
  const found = Object.values(os.networkInterfaces())
    .flat()
    .filter((address) => address !== undefined && !address.internal && !address.address.startsWith('fe80'))
    .sort((a, b) => (a!.family === b!.family ? 0 : a!.family === 'IPv4' ? -1 : 1))
    .map((address) => address!.address);
  return [...new Set([...found, '127.0.0.1'])];
}
