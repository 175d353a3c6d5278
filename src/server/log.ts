import pino from 'pino';

/**
 * One root logger for the server process. Request logs carry method, path and status
 * only: headers (and so tokens) are never serialized, and no log line ever includes a
 * password or image bytes. FRONTDESK_LOG sets the level (default "warn"; "silent" in tests).
 */
export const rootLogger = pino({
  level: process.env.FRONTDESK_LOG ?? (process.env.VITEST ? 'silent' : 'warn'),
  redact: { paths: ['req.headers.authorization', 'password', 'access_token'], remove: true },
  // The path without its query: a signed thumbnail URL is worth a face for two hours.
  serializers: { req: (req: { method?: string; url?: string }) => ({ method: req.method, url: pathOf(req.url) }) },
});

/** A request target without its query string, as logs may keep it. */
export function pathOf(url: string | undefined): string | undefined {
  return url?.split('?')[0];
}

export function logger(module: string): pino.Logger {
  return rootLogger.child({ module });
}
