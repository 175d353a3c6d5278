/**
 * One spelling per path. The router decodes percent-escapes before it matches, so
 * `/%761/get` reaches the `/v1/get` route; everything else that looks at the URL (the
 * not-found page, logs, headers) must see that same path, or it can be told a different
 * story. Escapes of unreserved characters (RFC 3986 §2.3: letters, digits, `-._~`) mean
 * exactly the character itself, so they are decoded here, before routing; every other
 * escape (`%2F`, `%00`, `%25`) stays as sent and can only ever name a path parameter.
 */
const UNRESERVED_ESCAPE = /%(2[dD]|2[eE]|3[0-9]|4[1-9a-fA-F]|5[0-9aA]|5[fF]|6[1-9a-fA-F]|7[0-9aA]|7[eE])/g;

export function normaliseRequestTarget(url: string): string {
  if (!url.includes('%')) return url;
  const queryAt = url.indexOf('?');
  const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? '' : url.slice(queryAt);
  return pathname.replace(UNRESERVED_ESCAPE, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16))) + query;
}

/**
 * Proxies send `GET http://host/path`; a desk's own clients never do. The router would
 * strip the scheme and host and match the path, while the Host guard read the header:
 * two views of one request. Such targets (and `*`) are refused instead of reconciled.
 */
export function isOriginForm(url: string): boolean {
  return url.startsWith('/');
}

/** Whether a path is under the API, however it was spelled (fully decoded, any case). */
export function isApiPath(url: string): boolean {
  const pathname = url.split('?')[0]!;
  let decoded = pathname;
  // Decoding twice covers `%2576` as well as `%76`; a malformed escape is left as sent.
  for (let round = 0; round < 2; round++) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      break;
    }
  }
  return /^\/+v1(?:[/\\?;]|$)/i.test(decoded);
}
