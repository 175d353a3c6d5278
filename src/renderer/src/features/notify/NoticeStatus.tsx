import type { Visitor } from '../../../../shared/api-types';
import { notificationInWords } from '../../../../shared/notifications';

/**
 * Whether the host heard of a visitor's arrival, where the receptionist looks: "notified 09:02"
 * on a card (the whole story in its tooltip), the full words in the viewer.
 */
export function NoticeStatus({ visitor, long = false }: { visitor: Visitor; long?: boolean }) {
  const notice = visitor.notification;
  if (!notice) return null;
  const words = notificationInWords(notice);
  // On a card, the envelope and the outcome; the words are its tooltip and its accessible name.
  const short =
    notice.status === 'sent' ? `✉ ${notice.time.slice(11, 16)}` : notice.status === 'failed' ? '✉ failed' : '✉ pending';
  return (
    <span
      className={`notice-status ${notice.status}`}
      title={long ? undefined : words}
      aria-label={long ? undefined : words}
      data-notice={notice.status}
    >
      {long ? words : short}
    </span>
  );
}
