import { createHash, randomBytes } from 'node:crypto';
import { formatLocalTime } from '../time-format';
import { calendarEvent } from './ics';

/**
 * A notice's message, fixed when the notice is written (db/repositories/notices.ts): a retry
 * sends the same words under the same Message-ID. Images are not kept in it: the thumbnail
 * is read from the photo store when sent (and is gone if the photo was), the QR code drawn
 * from the invitation's token.
 */
export type NoticeContent =
  | {
      type: 'email';
      subject: string;
      text: string;
      html: string;
      /** Attach the visitor's thumbnail (notify_thumbnail was on when it was written). */
      thumbnail: boolean;
      /** An invitation's QR code token and calendar file. */
      invitation?: { token: string; ics: string };
    }
  | { type: 'webhook'; body: string };

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A Message-ID of its own for each notice, under the sender's domain where there is one. */
export function newMessageId(from: string | null): string {
  const domain = /@([A-Za-z0-9.-]+)/.exec(from ?? '')?.[1] ?? 'frontdesk.local';
  return `<${randomBytes(16).toString('hex')}@${domain}>`;
}

type Row = [label: string, value: string];

/** A message's plain text: its opening lines, a label and value a line, its closing lines, signed. */
function textBody(opening: string[], rows: Row[], closing: string[]): string {
  return [
    ...opening,
    '',
    ...rows.map(([label, value]) => `${label}: ${value}`),
    '',
    ...closing.flatMap((line) => [line, '']),
    '— Frontdesk',
    '',
  ].join('\n');
}

/** The same as HTML: `opening` and `closing` are HTML already; every value in `rows` is escaped here. */
function htmlBody(opening: string[], rows: Row[], closing: string[]): string {
  return [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1d2330">',
    ...opening,
    '<table style="border-collapse:collapse">',
    ...rows.map(
      ([label, value]) =>
        `<tr><th style="text-align:left;padding:2px 12px 2px 0;color:#5a6275">${label}</th><td>${escapeHtml(value)}</td></tr>`,
    ),
    '</table>',
    ...closing,
    '<p style="color:#5a6275">— Frontdesk</p></body></html>',
  ].join('');
}

export interface Arrival {
  visitorId: string;
  name: string;
  purpose: string;
  cardNo: number;
  visiteeNo: number | null;
  hostName: string | null;
  desk: string;
  at: number;
}

const hhmm = (at: number): string => formatLocalTime(at).slice(11, 16);

/**
 * Slack and Teams read `<…>` in a message's text as mentions and links: a visitor named
 * "<!channel>" must not page everyone. Their escaping is HTML's three characters.
 */
const escapeChat = (value: string): string =>
  value.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);

function arrivalLine(arrival: Arrival): string {
  const host = arrival.hostName ? ` for ${escapeChat(arrival.hostName)}` : '';
  return `${escapeChat(arrival.name)} has arrived${host} at ${escapeChat(arrival.desk)} (card ${arrival.cardNo}, ${hhmm(arrival.at)}).`;
}

/** The host's e-mail (API contract Part 4, Arrival notices). */
export function arrivalEmail(arrival: Arrival, thumbnail: boolean): NoticeContent {
  const rows: Row[] = [
    ['Visitor', arrival.name],
    ['Purpose', arrival.purpose],
    ['Card', String(arrival.cardNo)],
    ['Desk', arrival.desk],
    ['Time', formatLocalTime(arrival.at)],
  ];
  const greeting = arrival.hostName ? `Hello ${arrival.hostName},` : 'Hello,';
  const text = textBody([greeting, '', `${arrival.name} has arrived to see you.`], rows, []);
  const html = htmlBody(
    [
      `<p>${escapeHtml(greeting)}</p>`,
      `<p><strong>${escapeHtml(arrival.name)}</strong> has arrived to see you.</p>`,
      thumbnail ? '<p><img src="cid:visitor-thumbnail" alt="" width="160" style="border-radius:8px"></p>' : '',
    ],
    rows,
    [],
  );
  return { type: 'email', subject: `${arrival.name} has arrived`, text, html, thumbnail };
}

/** The webhook's JSON (Slack and Teams incoming webhooks show its `text`). */
export function arrivalWebhook(arrival: Arrival): NoticeContent {
  return {
    type: 'webhook',
    body: JSON.stringify({
      event: 'visitor.arrived',
      text: arrivalLine(arrival),
      visitor_id: arrival.visitorId,
      visitee_no: arrival.visiteeNo,
      desk: arrival.desk,
      time: formatLocalTime(arrival.at),
    }),
  };
}

/**
 * Where an invitation says the visitor is expected: the site's name, or for a desk alone the
 * sender's display name ("Acme Reception" of "Acme Reception <desk@acme.example>"), else the desk's.
 */
export function siteName(where: { desk: string; site: string | null }, from: string | null): string {
  const sender = from?.includes('<') ? from.slice(0, from.indexOf('<')).replace(/"/g, '').trim() : '';
  return where.site ?? (sender || where.desk);
}

export interface Invitation {
  token: string;
  name: string;
  date: string;
  time: string | null;
  hostName: string | null;
  site: string;
  purpose: string | null;
  stamp: number;
}

function longDate(date: string): string {
  return new Date(`${date}T12:00:00`).toLocaleDateString('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
}

/** The visitor's invitation (API contract Part 4, Invitations): the QR code is attached when sent. */
export function invitationEmail(invitation: Invitation): NoticeContent {
  const when = `${longDate(invitation.date)}${invitation.time ? ` at ${invitation.time}` : ''}`;
  const rows: Row[] = [
    ['When', when],
    ['Where', invitation.site],
    ...(invitation.hostName ? [['Host', invitation.hostName] as Row] : []),
    ...(invitation.purpose ? [['Purpose', invitation.purpose] as Row] : []),
  ];
  const invited =
    'Show the QR code attached to this e-mail at the reception desk when you arrive: it signs you in faster.';
  const text = textBody([`Hello ${invitation.name},`, '', `You are expected at ${invitation.site}.`], rows, [invited]);
  const html = htmlBody(
    [
      `<p>Hello ${escapeHtml(invitation.name)},</p>`,
      `<p>You are expected at <strong>${escapeHtml(invitation.site)}</strong>.</p>`,
    ],
    rows,
    [
      '<p>Show this QR code at the reception desk when you arrive: it signs you in faster.</p>',
      '<p><img src="cid:invitation-qr" alt="Your invitation QR code" width="240" height="240"></p>',
    ],
  );
  const ics = calendarEvent({
    // Not the token itself: a calendar is shared more widely than the e-mail.
    uid: `${createHash('sha256').update(invitation.token).digest('hex').slice(0, 32)}@frontdesk`,
    date: invitation.date,
    time: invitation.time,
    summary: `Visit to ${invitation.site}`,
    location: invitation.site,
    description: `${invitation.hostName ? `Host: ${invitation.hostName}. ` : ''}Show your invitation's QR code at the reception desk.`,
    stamp: new Date(invitation.stamp),
  });
  return {
    type: 'email',
    subject: `Your visit to ${invitation.site} on ${when}`,
    text,
    html,
    thumbnail: false,
    invitation: { token: invitation.token, ics },
  };
}
