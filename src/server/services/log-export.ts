import { stringify } from 'csv-stringify/sync';
import { Readable } from 'node:stream';
import type { VisitorRecord } from '../db/repositories/visitors';
import { formatLocalTime } from '../time-format';

export const EXPORT_COLUMNS = [
  'visitor_id',
  'card_no',
  'name',
  'mobile',
  'purpose',
  'visitee_name',
  'entry_time',
  'exit_time',
  'exit_kind',
  'type',
] as const;

/**
 * A spreadsheet runs a cell that starts with = + - @ (and, in some, a tab or a carriage
 * return before one) as a formula: "=HYPERLINK(…)" typed as a visitor's name must stay
 * text. The leading apostrophe is the OWASP-recommended neutraliser. A spreadsheet that
 * splits on another separator than ours (";" across much of Europe, or a tab) starts a
 * cell in the middle of one of ours, after that separator or a line break, quotes and
 * spaces skipped: a formula start there is neutralised too ("Ann;=1+2" → "Ann;'=1+2").
 */
export function neutraliseFormula(cell: string): string {
  const inner = cell.replace(/([,;\t\r\n][" ]*)([=+\-@])/g, "$1'$2");
  return /^[" ]*[=+\-@\t\r]/.test(inner) ? `'${inner}` : inner;
}

/** A company server's export (API contract Part 6): every row says its site, by name (empty: the company server's own). */
export const SITE_EXPORT_COLUMNS = [...EXPORT_COLUMNS, 'site'] as const;

/** A row of a company server's export: a visitor and the name of the site whose store holds them. */
export type SiteVisitorRecord = VisitorRecord & { site: string };

function toRow(visitor: VisitorRecord | SiteVisitorRecord): string[] {
  return [
    visitor.visitor_id,
    String(visitor.card_no),
    visitor.name,
    visitor.mobile,
    visitor.purpose,
    visitor.visitee_name ?? '',
    formatLocalTime(visitor.entry_at),
    visitor.exit_at === null ? '' : formatLocalTime(visitor.exit_at),
    visitor.exit_kind ?? '',
    visitor.type_name ?? '',
    ...('site' in visitor ? [visitor.site] : []),
  ].map(neutraliseFormula);
}

/**
 * The log as RFC 4180 CSV (CRLF line ends, every cell quoted, so that a spreadsheet that
 * honours quotes keeps a ";" or a line break inside its cell whatever its separator), read a batch at a time as the client takes it: memory
 * stays flat however many rows match. The header row comes even when nothing does.
 * Between batches the export steps aside (setImmediate), so a desk's other requests are
 * answered while a million rows stream out, not after.
 */
export function exportCsv(
  batches: Iterable<VisitorRecord[]> | Iterable<SiteVisitorRecord[]>,
  columns: readonly string[] = EXPORT_COLUMNS,
): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield stringify([[...columns]], { record_delimiter: '\r\n' });
    for (const batch of batches) {
      yield stringify(batch.map(toRow), { record_delimiter: '\r\n', quoted: true, quoted_empty: true });
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return Readable.from(lines(), { objectMode: false });
}
