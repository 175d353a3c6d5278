import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../services/auth-service';

type Sign = (visitorId: string) => string;

/**
 * Every visitor with a photo that an answer shows a signed-in client (lists, one visitor,
 * a roll call) carries `thumb_url`, signed for that client's token, so the desk's
 * `<img src>` loads the face natively, cached by the browser. One hook for every route:
 * a new list of visitors cannot forget it.
 */
export function registerThumbUrls(app: FastifyInstance, auth: AuthService): void {
  // A callback hook, not an async one: no promise for each answer.
  app.addHook('preSerialization', (request, _reply, payload, done) => {
    const token = request.accessToken;
    if (token === undefined) {
      done(null, payload);
      return;
    }
    let sign: Sign | undefined;
    done(
      null,
      withThumbUrls(payload, (visitorId) => (sign ??= auth.thumbUrlSigner(token))(visitorId)),
    );
  });
}

/** A copy of `value` in which each visitor with a photo has its thumbnail URL; unchanged parts are shared. */
export function withThumbUrls<T>(value: T, sign: Sign, depth = 0): T {
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const signed = withThumbUrls(item, sign, depth + 1);
      if (signed !== item) (copy ??= [...value])[i] = signed;
    });
    return (copy ?? value) as T;
  }
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  if (typeof record.visitor_id === 'string' && record.has_photo === true) {
    copy = { ...record, thumb_url: sign(record.visitor_id) };
  }
  // for…in, not Object.entries: a page of visitors is walked on every list answer.
  for (const key in record) {
    const field = record[key];
    if (field === null || typeof field !== 'object') continue;
    const signed = withThumbUrls(field, sign, depth + 1);
    if (signed !== field) (copy ??= { ...record })[key] = signed;
  }
  return (copy ?? value) as T;
}
