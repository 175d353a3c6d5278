import { parse } from 'csv-parse/sync';
import { HOST_IMPORT_MAX_ROWS, hostFieldsSchema, type HostFields } from '../../shared/hosts';
import { ApiError } from '../api-error';

/** The columns a host file may have; `name` is the one it must have. */
const COLUMNS = ['name', 'email', 'phone', 'department'] as const;
type Column = (typeof COLUMNS)[number];

/**
 * What spreadsheets call those columns, compared without case, spaces or punctuation:
 * "E-mail", "Email address" and "Phone number" are what people type, and the desk's own
 * screens say "E-mail".
 */
const COLUMN_NAMES: Record<string, Column> = {
  name: 'name',
  fullname: 'name',
  email: 'email',
  emailaddress: 'email',
  mail: 'email',
  phone: 'phone',
  phonenumber: 'phone',
  telephone: 'phone',
  tel: 'phone',
  mobile: 'phone',
  department: 'department',
  dept: 'department',
  team: 'department',
};

export interface HostImportRow {
  line: number;
  /** The columns the file has; a column it lacks leaves an existing host's value alone. */
  host: Pick<HostFields, 'name'> & Partial<HostFields>;
}

export interface ParsedHostFile {
  rows: HostImportRow[];
  rejected: { line: number; message: string }[];
  /** Header titles that name no column Frontdesk keeps: said in the preview, never silently dropped. */
  ignoredColumns: string[];
}

/**
 * Reads a host file: UTF-8 with or without BOM, comma or semicolon separated (whichever
 * the header uses), RFC 4180 quoting (separators and newlines inside quotes), header
 * names in any case and order. Every row is checked with the same rules as the admin
 * form; a row that fails is reported with the line it starts on and the rest still
 * count. A file that is not text, is empty or has no `name` column is refused whole.
 */
export function parseHostFile(body: Buffer): ParsedHostFile {
  const text = decodeUtf8(body)
    .replace(/^\uFEFF/, '')
    // One line ending, so line numbers are the ones an editor shows.
    .replace(/\r\n?/g, '\n');
  if (text.trim() === '')
    throw new ApiError('2400', 'The file is empty: expected a header row and one host a row.', { field: 'file' });

  const header = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  const delimiter = count(header, ';') > count(header, ',') ? ';' : ',';
  const rejected: { line: number; message: string }[] = [];
  const records = parse(text, {
    delimiter,
    info: true,
    raw: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error, raw) => {
      rejected.push({
        line: startLine(typeof error?.lines === 'number' ? error.lines : 0, raw ?? ''),
        message:
          error?.code === 'CSV_QUOTE_NOT_CLOSED'
            ? 'A quote opened here is never closed.'
            : 'This row could not be read.',
      });
      return undefined;
    },
  }) as unknown as { record: string[]; info: { lines: number }; raw: string }[];

  const [head, ...body_] = records;
  if (!head || startLine(head.info.lines, head.raw) !== 1) {
    throw new ApiError('2400', 'The first line must be a header row naming the columns.', { field: 'file' });
  }
  const { positions, ignored } = columnPositions(head.record);
  if (body_.length + rejected.length > HOST_IMPORT_MAX_ROWS) {
    throw new ApiError(
      '2400',
      `The file has more than ${HOST_IMPORT_MAX_ROWS.toLocaleString('en')} rows: split it into smaller files.`,
      { field: 'file', status: 413 },
    );
  }
  const present = COLUMNS.filter((column) => positions[column] !== undefined);
  const rows: HostImportRow[] = [];
  for (const { record, info, raw } of body_) {
    const line = startLine(info.lines, raw);
    if (record.length > head.record.length) {
      rejected.push({ line, message: `The row has ${record.length} fields; the header names ${head.record.length}.` });
      continue;
    }
    const values = Object.fromEntries(
      present.map((column) => [
        column,
        // A line break inside a quoted cell (an address pasted in) is a space in a name.
        (record[positions[column]!] ?? '').replace(/\s+/gu, ' ').trim(),
      ]),
    );
    const checked = hostFieldsSchema.safeParse(values);
    if (checked.success) {
      const host = Object.fromEntries(present.map((column) => [column, checked.data[column]]));
      rows.push({ line, host: host as HostImportRow['host'] });
    } else rejected.push({ line, message: checked.error.issues[0]?.message ?? 'The row is not a valid host.' });
  }
  rejected.sort((a, b) => a.line - b.line);
  return { rows, rejected, ignoredColumns: ignored };
}

function decodeUtf8(body: Buffer): string {
  // A NUL never appears in a text file and always in a spreadsheet's binary formats.
  if (body.includes(0)) throw notText();
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw notText();
  }
}

function notText(): ApiError {
  return new ApiError('2400', 'The file is not UTF-8 text: save it from the spreadsheet as "CSV UTF-8".', {
    field: 'file',
  });
}

function columnPositions(header: string[]): { positions: Partial<Record<Column, number>>; ignored: string[] } {
  const positions: Partial<Record<Column, number>> = {};
  const ignored: string[] = [];
  header.forEach((title, index) => {
    const column = COLUMN_NAMES[title.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')];
    if (column !== undefined && positions[column] === undefined) positions[column] = index;
    else if (title.trim()) ignored.push(title.trim());
  });
  if (positions.name === undefined) {
    const found = header.join(', ');
    const shown = found.length > 120 ? `${found.slice(0, 120)}…` : found || 'nothing';
    throw new ApiError('2400', `The header row has no "name" column (found: ${shown}).`, {
      field: 'file',
    });
  }
  return { positions, ignored };
}

/**
 * csv-parse reports the line a record ends on; the line it starts on is what a person
 * looks for. Its raw text begins with the blank lines skipped before it and ends with
 * its own line break: neither counts.
 */
function startLine(endLine: number, raw: string): number {
  return endLine - count(raw.replace(/^\n+/, '').replace(/\n$/, ''), '\n');
}

function count(text: string, character: string): number {
  let n = 0;
  for (const c of text) if (c === character) n++;
  return n;
}
