import { createTransport } from 'nodemailer';

/** How one attempt at a notice ended: what the server said, and whether trying again may help. */
export type Attempt = { ok: true; answer: string } | { ok: false; permanent: boolean; error: string };

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
export function describeMailError(error: unknown, deadlineMs: number): { permanent: boolean; error: string } {
  const failure = error as MailError;
  if (failure.responseCode !== undefined) {
    const answer = clip(failure.response ?? String(failure.responseCode));
    return {
      permanent: failure.permanent ?? (failure.responseCode >= 500 && failure.responseCode !== 503),
      error:
        failure.code === 'EAUTH'
          ? `mail server refused the user name or password: ${answer}`
          : `mail server refused: ${answer}`,
    };
  }
  const cause = `${failure.code ?? ''} ${failure.message ?? ''}`;
  if (/ETIMEDOUT|timeout|timed out/i.test(cause)) {
    return { permanent: false, error: `mail server did not answer within ${Math.round(deadlineMs / 1000)} s` };
  }
  if (/EDNS|ENOTFOUND|EAI_AGAIN/.test(cause)) return { permanent: false, error: 'mail server’s name not found' };
  if (/ECONNREFUSED|ECONNECTION|ESOCKET|ECONNRESET|EPIPE|EHOSTUNREACH|ENETUNREACH/.test(cause)) {
    return { permanent: false, error: 'mail server unreachable' };
  }
  return { permanent: false, error: clip(failure.message || 'the mail could not be sent') };
}

/**
 * One attempt to hand a message to the mail server, never longer than `deadlineMs` in all: each
 * step has its own timeout in nodemailer, and the whole attempt one more, that closes the
 * connection of a server that answers a byte at a time. Attachments are always buffers, and
 * nodemailer is told never to read a file or a URL for a message.
 */
export async function sendMail(
  server: { url: string; from: string | null },
  message: MailMessage,
  deadlineMs: number,
): Promise<Attempt> {
  const transport = createTransport({
    url: server.url,
    connectionTimeout: deadlineMs,
    greetingTimeout: deadlineMs,
    socketTimeout: deadlineMs,
    dnsTimeout: deadlineMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      transport.close();
      reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    }, deadlineMs);
  });
  try {
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
    transport.close();
  }
}
