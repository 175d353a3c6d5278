/**
 * One event as an iCalendar file (RFC 5545) for an invitation's `.ics` attachment: the visit's
 * day (and time, as local "floating" time: the visitor's calendar shows the hour the site
 * wrote), what it is, where. Only what a calendar needs to add it; no attendees, no replies.
 */
export interface CalendarEvent {
  uid: string;
  /** Local day, YYYY-MM-DD. */
  date: string;
  /** Local "HH:MM", or null for the whole day. */
  time: string | null;
  summary: string;
  location: string;
  description: string;
  stamp: Date;
}

/** TEXT values escape backslash, semicolon, comma and line breaks (RFC 5545 §3.3.11). */
function text(value: string): string {
  return value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n');
}

/** Lines longer than 75 octets continue on the next line after a space (§3.1), never inside a character. */
function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  for (const char of line) {
    if (Buffer.byteLength(current + char) > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
    }
    current += char;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const compact = (date: string): string => date.replaceAll('-', '');

function nextDay(date: string): string {
  const day = new Date(`${date}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

export function calendarEvent(event: CalendarEvent): string {
  const stamp = event.stamp
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const when =
    event.time === null
      ? [`DTSTART;VALUE=DATE:${compact(event.date)}`, `DTEND;VALUE=DATE:${compact(nextDay(event.date))}`]
      : [`DTSTART:${compact(event.date)}T${event.time.replace(':', '')}00`, 'DURATION:PT1H'];
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Frontdesk//Invitation//EN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `DTSTAMP:${stamp}`,
    ...when,
    `SUMMARY:${text(event.summary)}`,
    `LOCATION:${text(event.location)}`,
    `DESCRIPTION:${text(event.description)}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ]
    .map(fold)
    .join('\r\n');
}
