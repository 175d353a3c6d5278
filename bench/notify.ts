import http from 'node:http';
import { openContext } from '../src/server/context';
import { startMailServer } from '../test/helpers/mail-server';
import { cameraJpeg, multipartBody, sendCheckIn, timeQuietly } from './checkin';
import { BENCH_STAFF, log, median, round, signIn, startServe, tempDir, type ServeProcess } from './lib';

export interface NotifyResult {
  rounds: number;
  /** The mail server takes this long to accept each message. */
  smtp_delay_ms: number;
  on_median_ms: number;
  off_median_ms: number;
  ratio: number;
  /** Mails the slow server had accepted when the timing ended, of the notices written. */
  mails_received_by_end: number;
  notices_written: number;
}

interface Desk {
  server: ServeProcess;
  token: string;
  host: number;
}

/** A desk of its own, with e-mail to `smtpUrl` set up (or not), and one host with an e-mail address. */
async function desk(name: string, smtpUrl: string | undefined): Promise<Desk> {
  const dataDir = tempDir(name);
  const ctx = await openContext({ dataDir });
  await ctx.auth.createFirstUser(BENCH_STAFF.username, BENCH_STAFF.password);
  ctx.close();
  const server = await startServe(dataDir);
  const token = await signIn(server.url, BENCH_STAFF.username, BENCH_STAFF.password);
  const call = async (path: string, method: string, body: unknown): Promise<unknown> => {
    const response = await fetch(server.url + path, {
      method,
      headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  if (smtpUrl) await call('/v1/admin/settings', 'PATCH', { smtp_url: smtpUrl, smtp_from: 'desk@example.org' });
  const made = (await call('/v1/admin/visitees', 'POST', { name: 'Bench Host', email: 'host@example.org' })) as {
    data: { visitee_no: number };
  };
  return { server, token, host: made.data.visitee_no };
}

/**
 * A check-in never waits for the mail server (API contract Part 4): the same 12 MP check-in
 * for a host with an e-mail address, at a desk with e-mail set up and a mail server that
 * takes 2 s to accept each message, and at a desk without e-mail, alternating, medians.
 * Both desks are `serve` processes as a kiosk runs them; the body is prepared before the clock.
 */
export async function benchNotify(quick: boolean): Promise<NotifyResult> {
  const delayMs = 2000;
  const mail = await startMailServer({ delayMs });
  const on = await desk('notify-on', mail.url);
  const off = await desk('notify-off', undefined);
  const agent = new http.Agent({ keepAlive: true });
  const image = await cameraJpeg();
  let card = 1;
  const checkIn = async (at: Desk): Promise<number> => {
    const form = await multipartBody(card++, image, at.host);
    return timeQuietly(() => sendCheckIn(at.server.url, at.token, form, agent));
  };
  try {
    for (let i = 0; i < (quick ? 2 : 6); i++) {
      await checkIn(on);
      await checkIn(off);
    }
    const rounds = quick ? 4 : 60;
    const withNotices: number[] = [];
    const without: number[] = [];
    for (let i = 0; i < rounds; i++) {
      // Which desk goes first alternates: neither gets the quieter moment every time.
      for (const at of i % 2 === 0 ? [on, off] : [off, on]) (at === on ? withNotices : without).push(await checkIn(at));
    }
    const result: NotifyResult = {
      rounds,
      smtp_delay_ms: delayMs,
      on_median_ms: round(median(withNotices)),
      off_median_ms: round(median(without)),
      ratio: round(median(withNotices) / median(without), 3),
      mails_received_by_end: mail.received.length,
      notices_written: (quick ? 2 : 6) + rounds,
    };
    log(
      `notify: check-in with e-mail to a 2 s server ${result.on_median_ms} ms, without ${result.off_median_ms} ms (${result.ratio}×); ` +
        `${result.mails_received_by_end} of ${result.notices_written} mails accepted by then`,
    );
    return result;
  } finally {
    agent.destroy();
    await on.server.stop();
    await off.server.stop();
    await mail.close();
  }
}
