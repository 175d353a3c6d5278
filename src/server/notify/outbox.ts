import { readFile } from 'node:fs/promises';
import { NOTICE_CHANNELS, type Notice, type NoticeChannel, type NoticeStatus } from '../../shared/notifications';
import { EMAIL_ADDRESS } from '../../shared/visitor-fields';
import { ApiError } from '../api-error';
import type { ExpectedVisitsRepository } from '../db/repositories/expected-visits';
import type { NoticeRow, NoticesRepository } from '../db/repositories/notices';
import type { VisiteesRepository } from '../db/repositories/visitees';
import type { VisitorsRepository } from '../db/repositories/visitors';
import { logger } from '../log';
import type { PhotoStore } from '../photos/photo-store';
import { SecretUnavailableError } from '../security/secret-box';
import type { DeskEvents } from '../services/desk-events';
import type { UnitOfWork, Writes } from '../services/unit-of-work';
import { announceVisitor } from '../services/visitor-view';
import { formatLocalTime } from '../time-format';
import type { NotifyChannels } from './channels';
import {
  arrivalEmail,
  arrivalWebhook,
  invitationEmail,
  newMessageId,
  siteName,
  type Arrival,
  type NoticeContent,
} from './compose';
import { sendMail, type Attempt, type MailMessage } from './mail';
import { postWebhook } from './webhook';

const log = logger('notify');

/** A notice is tried for at least a day (API contract Part 4) before it is given up. */
export const NOTICE_RETRY_FOR_MS = 24 * 60 * 60 * 1000;
/** The first retry waits this long, each next one twice as long, up to RETRY_MAX_MS. */
export const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 30 * 60_000;
/** No attempt holds a sender longer than this, however slowly a server answers. */
export const SEND_DEADLINE_MS = 30_000;
/** Notices in flight at once for each channel: a hung mail server never holds up the webhook. */
const SENDERS = 2;
/** After the database refused a lease (another process's lock, a full disk): the wait before the next. */
const BLOCKED_MS = 1_000;
const PAGE = 50;
/** The test message's deadline: an answer within the API's 30 s idle timeout (http/node-server.ts). */
const TEST_DEADLINE_MS = 20_000;

export interface OutboxOptions {
  /** Tests shorten the wait between attempts and the deadline of one. */
  retryBaseMs?: number;
  deadlineMs?: number;
}

/**
 * The desk's outbox (API contract Part 4). A notice is written in the same unit as the
 * check-in or expected visit it tells of (`queueArrival`, `queueInvitation`), and sent here in
 * the background, so that a check-in never waits for a mail server. Before each attempt the
 * notice is leased: its attempt counted and its next try set, committed. A crash mid-send
 * leaves it pending, due at that time, and it is sent again under the same Message-ID (the
 * webhook's under the same X-Frontdesk-Delivery): at least once, normally exactly once.
 */
export function outbox(deps: {
  writes: Writes;
  notices: NoticesRepository;
  channels: NotifyChannels;
  visitors: VisitorsRepository;
  visitees: VisiteesRepository;
  expectedVisits: ExpectedVisitsRepository;
  store: PhotoStore;
  events: DeskEvents;
  now: () => number;
  /** This desk's name and its site's (null for a desk alone), as a notice names them. */
  where: () => { desk: string; site: string | null };
  options?: OutboxOptions;
}) {
  const { writes, notices, channels, now } = deps;
  const retryBase = deps.options?.retryBaseMs ?? RETRY_BASE_MS;
  const deadline = deps.options?.deadlineMs ?? SEND_DEADLINE_MS;
  const inFlight = new Map<number, NoticeChannel>();
  // A channel whose server failed (unreachable, silent): its other notices wait until then too,
  // rather than each spending the deadline on it in turn.
  const pausedUntil: Record<NoticeChannel, number> = { email: 0, webhook: 0 };
  let blockedUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const retryDelay = (attempts: number): number => Math.min(retryBase * 2 ** Math.max(0, attempts - 1), RETRY_MAX_MS);
  const busy = (channel: NoticeChannel): number => [...inFlight.values()].filter((one) => one === channel).length;

  /** Starts what is due, up to SENDERS a channel, and sets a timer for when more can start. */
  function pump(): void {
    if (!running) return;
    clearTimeout(timer);
    timer = undefined;
    const at = now();
    let wakeAt = Infinity;
    if (at < blockedUntil) {
      wakeAt = blockedUntil;
    } else {
      for (const channel of NOTICE_CHANNELS) {
        if (at < pausedUntil[channel]) {
          wakeAt = Math.min(wakeAt, pausedUntil[channel]);
          continue;
        }
        let due: NoticeRow[];
        let next: number | undefined;
        try {
          due = notices.due(channel, at, SENDERS + inFlight.size).filter((notice) => !inFlight.has(notice.notice_id));
          next = notices.nextDue(channel);
        } catch (error) {
          log.error({ err: error }, 'could not read the outbox; trying again in a minute');
          timer = setTimeout(pump, 60_000).unref();
          return;
        }
        for (const notice of due.slice(0, Math.max(0, SENDERS - busy(channel)))) start(notice);
        // Due but not started (its channel's senders are all busy, or it is the one in flight
        // after a "retry now"): a sender ending pumps again; the timer is a backstop.
        if (next !== undefined) wakeAt = Math.min(wakeAt, Math.max(next, at + BLOCKED_MS));
      }
    }
    if (wakeAt !== Infinity) timer = setTimeout(pump, Math.min(wakeAt - at, 2 ** 31 - 1)).unref();
  }

  /**
   * A channel's server is back, or another was set (all channels): its pause ends and the
   * notices it held back are due now rather than at their next try (up to half an hour away).
   */
  function resume(channel?: NoticeChannel): void {
    const channels = channel ? [channel] : NOTICE_CHANNELS;
    try {
      writes.run(() => channels.forEach((one) => notices.dueNow(one, now())));
    } catch (error) {
      // Another process's lock: they go at their own next try instead.
      log.error({ err: error }, 'could not bring held notices forward');
    }
    for (const one of channels) pausedUntil[one] = 0;
    pump();
  }

  function start(notice: NoticeRow): void {
    inFlight.set(notice.notice_id, notice.channel);
    void deliver(notice).finally(() => {
      inFlight.delete(notice.notice_id);
      pump();
    });
  }

  async function deliver(notice: NoticeRow): Promise<void> {
    try {
      const retryAt = now() + retryDelay(notice.attempts + 1);
      const leased = writes.run(() => notices.lease(notice.notice_id, notice.attempts, now(), retryAt), {
        waitForLock: false,
        durable: false,
      });
      if (!leased || notice.content === null) return;
      const outcome = await attempt(notice, JSON.parse(notice.content) as NoticeContent);
      // A server that failed holds its channel's other notices until this one's next try; one
      // that answers again lets the notices it held back go at once.
      if (!outcome.ok && outcome.serverDown) pausedUntil[notice.channel] = retryAt;
      else if (pausedUntil[notice.channel] !== 0) resume(notice.channel);
      settle(notice, outcome);
    } catch (error) {
      // A lock held by another process, a full disk: the lease (or its absence) brings it back,
      // after a pause: trying again at once would spin the desk against the lock.
      blockedUntil = now() + BLOCKED_MS;
      log.error({ err: error }, `notice ${notice.notice_id} could not be sent now`);
    }
  }

  async function attempt(notice: NoticeRow, content: NoticeContent): Promise<Attempt> {
    if (notice.kind === 'invitation') {
      const visit = notice.expected_id === null ? undefined : deps.expectedVisits.byId(notice.expected_id);
      if (!visit || visit.status !== 'expected') {
        return refused(`the visit is ${visit?.status ?? 'gone'}; not sent`);
      }
    }
    let delivery;
    try {
      delivery = channels.delivery();
    } catch (error) {
      if (error instanceof SecretUnavailableError) {
        return { ok: false, permanent: false, serverDown: true, error: error.message };
      }
      throw error;
    }
    if (content.type === 'webhook') {
      if (!delivery.webhook) return refused('the webhook is turned off at this desk');
      return postWebhook(delivery.webhook, content.body, notice.message_id, deadline);
    }
    if (!delivery.email) return refused('e-mail is turned off at this desk');
    // An address stored before the desk's rule was as strict as it is now (shared/visitor-fields.ts).
    if (!EMAIL_ADDRESS.test(notice.recipient)) return refused('the address is not one e-mail address');
    return sendMail(delivery.email, await message(notice, content), deadline);
  }

  async function message(notice: NoticeRow, content: Extract<NoticeContent, { type: 'email' }>): Promise<MailMessage> {
    const attachments: MailMessage['attachments'] = [];
    if (content.thumbnail && notice.visitor_id !== null) {
      const photo = deps.visitors.byId(notice.visitor_id);
      if (photo?.photo_format) {
        // Read now: a photo deleted since (retention, erasure) is simply not attached.
        const thumb = await readFile(deps.store.pathOf(notice.visitor_id, 'thumb', photo.photo_format)).catch(
          () => undefined,
        );
        if (thumb) {
          attachments.push({
            filename: 'visitor.jpg',
            content: thumb,
            contentType: 'image/jpeg',
            cid: 'visitor-thumbnail',
          });
        }
      }
    }
    if (content.invitation) {
      attachments.push({
        filename: 'invitation-qr.png',
        content: await invitationQr(content.invitation.token),
        contentType: 'image/png',
        cid: 'invitation-qr',
      });
    }
    return {
      to: notice.recipient,
      subject: content.subject,
      text: content.text,
      html: content.html,
      messageId: notice.message_id,
      attachments,
      ics: content.invitation?.ics,
    };
  }

  function settle(notice: NoticeRow, outcome: Attempt): void {
    const at = now();
    let status: NoticeStatus = 'sent';
    let error: string | null = null;
    if (!outcome.ok) {
      const expired = at - notice.tries_from >= NOTICE_RETRY_FOR_MS;
      status = outcome.permanent || expired ? 'failed' : 'pending';
      error = expired && !outcome.permanent ? `gave up after a day of retries: ${outcome.error}` : outcome.error;
    }
    writes.run((unit) => {
      notices.settle(notice.notice_id, status, status === 'pending' ? null : at, error);
      if (status === 'sent' && notice.kind === 'invitation' && notice.expected_id !== null) {
        deps.expectedVisits.invited(notice.expected_id, at);
      }
      announce(unit, notice);
    });
    if (status === 'failed') log.warn(`notice ${notice.notice_id} failed: ${error}`);
  }

  /** Tells the open screens the notice's visitor (or expected visit) shows another state. */
  function announce(unit: UnitOfWork, notice: Pick<NoticeRow, 'visitor_id' | 'expected_id'>): void {
    unit.afterCommit(() => {
      if (notice.visitor_id !== null) {
        announceVisitor({ visitors: deps.visitors, events: deps.events }, 'visitor.updated', notice.visitor_id);
      }
      if (notice.expected_id !== null)
        deps.events.publish({ type: 'expected.changed', expected_id: notice.expected_id });
    });
  }

  /**
   * Writes the arrival notices of a check-in, inside its unit: an e-mail to a host who has an
   * address (when e-mail is set up), and a webhook post (when one is). Sent once it commits.
   */
  function queueArrival(unit: UnitOfWork, arrival: Omit<Arrival, 'hostName' | 'desk'>): void {
    const settings = channels.read();
    const host = arrival.visiteeNo === null ? undefined : deps.visitees.byNo(arrival.visiteeNo);
    const full: Arrival = { ...arrival, hostName: host?.name ?? null, desk: deps.where().desk };
    const email = settings.smtp_url !== null && host?.email ? host.email : undefined;
    const base = { kind: 'arrival' as const, visitor_id: arrival.visitorId, expected_id: null, created_at: arrival.at };
    if (email) {
      notices.insert({
        ...base,
        channel: 'email',
        shown: true,
        recipient: email,
        message_id: newMessageId(settings.smtp_from),
        content: JSON.stringify(arrivalEmail(full, settings.notify_thumbnail)),
      });
    }
    if (settings.webhook_url !== null) {
      notices.insert({
        ...base,
        channel: 'webhook',
        shown: !email,
        recipient: new URL(settings.webhook_url).host,
        message_id: newMessageId(settings.smtp_from),
        content: JSON.stringify(arrivalWebhook(full)),
      });
    }
    if (email || settings.webhook_url !== null) unit.afterCommit(pump);
  }

  /** Writes an expected visit's invitation, inside its unit, when it has an e-mail and e-mail is set up. */
  function queueInvitation(unit: UnitOfWork, expectedId: number): void {
    const settings = channels.read();
    const visit = deps.expectedVisits.byId(expectedId);
    const token = deps.expectedVisits.tokenOf(expectedId);
    if (!visit?.email || !token || settings.smtp_url === null) return;
    notices.insert({
      kind: 'invitation',
      channel: 'email',
      visitor_id: null,
      expected_id: expectedId,
      shown: false,
      recipient: visit.email,
      message_id: newMessageId(settings.smtp_from),
      content: JSON.stringify(
        invitationEmail({
          token,
          name: visit.name,
          date: visit.expected_date,
          time: visit.expected_time,
          hostName: visit.visitee_name,
          site: siteName(deps.where(), settings.smtp_from),
          purpose: visit.purpose,
          stamp: now(),
        }),
      ),
      created_at: now(),
    });
    unit.afterCommit(pump);
  }

  function toNotice(row: NoticeRow): Notice {
    const content = row.content === null ? undefined : (JSON.parse(row.content) as NoticeContent);
    const subject =
      content === undefined
        ? null
        : content.type === 'email'
          ? content.subject
          : (JSON.parse(content.body) as { text: string }).text;
    return {
      notice_id: row.notice_id,
      kind: row.kind,
      channel: row.channel,
      status: row.status,
      recipient: row.recipient,
      subject,
      visitor_id: row.visitor_id,
      expected_id: row.expected_id,
      attempts: row.attempts,
      created_time: formatLocalTime(row.created_at),
      next_time: row.status === 'pending' ? formatLocalTime(row.next_at) : null,
      done_time: row.done_at === null ? null : formatLocalTime(row.done_at),
      error: row.error,
    };
  }

  return {
    queueArrival,
    queueInvitation,
    /** The channels' settings changed: a server that failed may be another, or back; try now. */
    resume: (): void => resume(),
    /** Starts sending what is due (notices left by the last run included); returns the stop. */
    start(): () => void {
      running = true;
      pump();
      return () => {
        running = false;
        clearTimeout(timer);
      };
    },
    list(status: NoticeStatus | undefined, cursor: string | undefined): { notices: Notice[]; next: string | null } {
      const rows = notices.page(status, cursor === undefined ? Number.MAX_SAFE_INTEGER : Number(cursor), PAGE + 1);
      return {
        notices: rows.slice(0, PAGE).map(toNotice),
        next: rows.length > PAGE ? String(rows[PAGE - 1]!.notice_id) : null,
      };
    },
    /** "Retry now": a pending or failed notice is sent at once, with a new day of retries. */
    retryNow(noticeId: number, userId: number): Notice {
      const row = writes.run((unit) => {
        const found = notices.byId(noticeId);
        if (!found) throw new ApiError('3404', `There is no notice ${noticeId}.`);
        if (found.status === 'sent') throw new ApiError('2409', `Notice ${noticeId} was already sent.`);
        if (!notices.retryNow(noticeId, now())) {
          throw new ApiError('2409', `Notice ${noticeId} belonged to an erased visitor: there is nothing to send.`);
        }
        // Not the address: an invitation's is the visitor's own, and the trail is never erased.
        unit.audit({ action: 'notice.retry', userId, detail: `notice ${noticeId} (${found.kind}, ${found.channel})` });
        announce(unit, found);
        // Sent now, even while its channel waits out a server's failure.
        unit.afterCommit(() => resume(found.channel));
        return notices.byId(noticeId)!;
      });
      return toNotice(row);
    },
    /** A test message now, without the outbox or retries: what the mail server said. */
    async sendTest(to: string): Promise<{ sent: boolean; answer: string }> {
      let delivery;
      try {
        delivery = channels.delivery();
      } catch (error) {
        if (error instanceof SecretUnavailableError) return { sent: false, answer: error.message };
        throw error;
      }
      if (!delivery.email) throw new ApiError('2409', 'E-mail is not set up: set smtp_url first.');
      const { desk } = deps.where();
      const outcome = await sendMail(
        delivery.email,
        {
          to,
          subject: 'Frontdesk test message',
          text: `This is a test message from the Frontdesk desk “${desk}”. Arrival notices will come from this address.\n`,
          html: `<p>This is a test message from the Frontdesk desk “${desk.replace(/[<>&]/g, '')}”. Arrival notices will come from this address.</p>`,
          messageId: newMessageId(delivery.email.from),
          attachments: [],
        },
        // Shorter than the HTTP idle timeout, so the admin reads the answer rather than a dropped request.
        Math.min(deadline, TEST_DEADLINE_MS),
      );
      return outcome.ok ? { sent: true, answer: outcome.answer } : { sent: false, answer: outcome.error };
    },
  };
}

function refused(error: string): Attempt {
  return { ok: false, permanent: true, serverDown: false, error };
}

/** The QR code of an invitation: its token alone, as a PNG (for the e-mail, printing, re-sending). */
export async function invitationQr(token: string): Promise<Buffer> {
  const { qrPng } = await import('./qr-png');
  return qrPng(token);
}

export type Outbox = ReturnType<typeof outbox>;
