import pino from 'pino';

/**
 * One root logger for the server process. Request logs carry method, URL and status
 * only: headers (and so tokens) are never serialized, and no log line ever includes a
 * password or image bytes. FRONTDESK_LOG sets the level (default "warn"; "silent" in tests).
 */
export const rootLogger = pino({
  level: process.env.FRONTDESK_LOG ?? (process.env.VITEST ? 'silent' : 'warn'),
  redact: { paths: ['req.headers.authorization', 'password', 'access_token'], remove: true },
});

export function logger(module: string): pino.Logger {
  return rootLogger.child({ module });
}
