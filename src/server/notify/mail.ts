import net from 'node:net';
import type { Transporter } from 'nodemailer';

/**
 * How one attempt at a notice ended: what the server said, whether trying again may help, and
 * whether the server itself failed (unreachable, silent, erring) rather than refusing this one
 * message: then the other notices for it wait too (notify/outbox.ts).
 */
export type Attempt =
  { ok: true; answer: string } | { ok: false; permanent: boolean; error: string; serverDown: boolean };

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  attachments: { filename: string; content: Buffer; contentType: string; cid?: string }[];
  ics?: string | undefined;
}

const clip = (text: string): string => (text.length > 300 ? `${text.slice(0, 297)}…` : text).replace(/\s+/g, ' ');

interface MailError extends NodeJS.ErrnoException {
  response?: string;
  responseCode?: number;
  permanent?: boolean;
}

/** A failed attempt in the receptionist's words, and whether the server refused it for good. */
export function describeMailError(
  error: unknown,
  deadlineMs: number,
): { permanent: boolean; error: string; serverDown: boolean } {
  const failure = error as MailError;
  if (failure.responseCode !== undefined) {
    const answer = clip(failure.response ?? String(failure.responseCode));
    return {
      permanent: failure.permanent ?? (failure.responseCode >= 500 && failure.responseCode !== 503),
      // A refused login or a server that is not taking mail now stops every message alike.
      serverDown: failure.code === 'EAUTH' || failure.responseCode === 421,
      error:
        failure.code === 'EAUTH'
          ? `mail server refused the user name or password: ${answer}`
          : `mail server refused: ${answer}`,
    };
  }
  const cause = `${failure.code ?? ''} ${failure.message ?? ''}`;
  const down = (text: string) => ({ permanent: false, serverDown: true, error: text });
  if (/ETIMEDOUT|timeout|timed out/i.test(cause)) {
    return down(`mail server did not answer within ${Math.round(deadlineMs / 1000)} s`);
  }
  if (/EDNS|ENOTFOUND|EAI_AGAIN/.test(cause)) return down('mail server’s name not found');
  if (/ECONNREFUSED|ECONNECTION|ESOCKET|ECONNRESET|EPIPE|EHOSTUNREACH|ENETUNREACH|ETLS/.test(cause)) {
    return down('mail server unreachable');
  }
  return { permanent: false, serverDown: false, error: clip(failure.message || 'the mail could not be sent') };
}

/**
 * One attempt to hand a message to the mail server, never longer than `deadlineMs` in all: each
 * step has its own timeout in nodemailer, and the whole attempt one more. When that one ends
 * the attempt, the socket is destroyed here: nodemailer's close() leaves a connection in
 * progress open, and a server answering a byte at a time could still take the message after
 * the desk had counted it failed (and send it again under the same Message-ID on the retry).
 * The socket is opened here for that (nodemailer's getSocket; TLS for smtps:// is still
 * nodemailer's). Attachments are always buffers, and nodemailer is told never to read a file
 * or a URL for a message.
 */
export async function sendMail(
  server: { url: string; from: string | null },
  message: MailMessage,
  deadlineMs: number,
): Promise<Attempt> {
  const sockets: net.Socket[] = [];
  let transport: Transporter | undefined;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      sockets.forEach((socket) => socket.destroy());
      transport?.close();
      reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    }, deadlineMs);
  });
  try {
    // The first message loads nodemailer (smtp-transport.ts), within the attempt's time. A
    // failed load is said in words, not with Node's require stack of the install's paths.
    const library = import('./smtp-transport').catch(() => {
      throw new Error('the desk could not load its mail library: reinstall Frontdesk');
    });
    const { createTransport } = await Promise.race([library, deadline]);
    transport = createTransport({
      url: server.url,
      getSocket: (options, callback) => {
        const socket = net.connect({
          host: options.host ?? 'localhost',
          port: Number(options.port) || (options.secure ? 465 : 587),
        });
        sockets.push(socket);
        const failed = (error: Error) => callback(error, false);
        socket.once('error', failed);
        socket.once('connect', () => {
          socket.off('error', failed);
          callback(null, { connection: socket });
        });
      },
      connectionTimeout: deadlineMs,
      greetingTimeout: deadlineMs,
      socketTimeout: deadlineMs,
      dnsTimeout: deadlineMs,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    const sent = transport.sendMail({
      from: server.from ?? undefined,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      messageId: message.messageId,
      attachments: message.attachments,
      ...(message.ics ? { icalEvent: { filename: 'invitation.ics', method: 'PUBLISH', content: message.ics } } : {}),
    });
    sent.catch(() => undefined);
    const info = await Promise.race([sent, deadline]);
    return { ok: true, answer: clip(String(info.response)) };
  } catch (error) {
    return { ok: false, ...describeMailError(error, deadlineMs) };
  } finally {
    clearTimeout(timer);
    transport?.close();
    sockets.forEach((socket) => socket.destroy());
  }
}
