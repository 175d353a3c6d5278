import { createHmac } from 'node:crypto';
import type { Attempt } from './mail';

/** The header a receiver checks: `sha256=<hex HMAC of the body under the secret shown once>`. */
export function webhookSignature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * One POST of a notice's JSON, never longer than `deadlineMs`. 2xx is delivered; 429 and 5xx
 * (and no answer) are tried again; any other answer is final. A redirect is not followed:
 * the signed body goes only where the admin said.
 */
export async function postWebhook(
  hook: { url: string; secret: string },
  body: string,
  deliveryId: string,
  deadlineMs: number,
): Promise<Attempt> {
  let response: Response;
  try {
    response = await fetch(hook.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(deadlineMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Frontdesk',
        'x-frontdesk-signature': webhookSignature(body, hook.secret),
        // The same for every attempt at one notice: a receiver can drop a second delivery.
        'x-frontdesk-delivery': deliveryId,
      },
      body,
    });
    // The answer's body is not needed: read at most a little of it, within the same deadline.
    await response.body?.cancel();
  } catch (error) {
    const name = (error as Error).name;
    return {
      ok: false,
      permanent: false,
      serverDown: true,
      error:
        name === 'TimeoutError' || name === 'AbortError'
          ? `webhook did not answer within ${Math.round(deadlineMs / 1000)} s`
          : 'webhook unreachable',
    };
  }
  const status = response.status;
  if (status >= 200 && status < 300) return { ok: true, answer: `HTTP ${status}` };
  const retry = status === 429 || status >= 500;
  return {
    ok: false,
    permanent: !retry,
    serverDown: retry,
    error:
      status >= 300 && status < 400
        ? `webhook redirected (HTTP ${status}); not followed`
        : `webhook answered HTTP ${status}`,
  };
}
