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
