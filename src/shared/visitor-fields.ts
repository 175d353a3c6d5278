import { z } from 'zod';
import type { ErrorCode } from './errors';

/**
 * The check-in form's field rules (API contract, POST /v1/add/). The server validates
 * uploads with this schema and the renderer validates its form with it, so the two can
 * never disagree about what a valid visitor is.
 */

/** Printable text only: control characters have no business in a name and break logs. */
export const PRINTABLE = /^[^\p{Cc}\p{Cf}\p{Co}\p{Cs}]*$/u;

/** The message of a required text field that is absent or not text: which of the two, named. */
export function requiredTextError(field: string) {
  return (issue: { input?: unknown }): string =>
    issue.input === undefined ? `${field} is required.` : `${field} must be text.`;
}

/**
 * An e-mail address as the desk takes one: one mailbox, nothing a mail header would read as a
 * second address or a display name (commas, semicolons, angle brackets, quotes).
 */
export const EMAIL_ADDRESS = /^[^\s@,;<>"()]+@[^\s@,;<>"()]+$/;
export const EMAIL_ADDRESS_MESSAGE = 'email must look like name@example.com.';

export const emailSchema = z
  .string({ error: 'email must be text.' })
  .trim()
  .max(254, 'email must be at most 254 characters.')
  .regex(PRINTABLE, 'email must not contain control characters.')
  .regex(EMAIL_ADDRESS, EMAIL_ADDRESS_MESSAGE);

/** Optional text: "" and null both mean "none". */
export function optionalText(field: string, max: number, pattern?: { rule: RegExp; message: string }) {
  let text = z
    .string({ error: `${field} must be text.` })
    .trim()
    .max(max, `${field} must be at most ${max} characters.`)
    .regex(PRINTABLE, `${field} must not contain control characters.`);
  if (pattern) text = text.refine((value) => value === '' || pattern.rule.test(value), pattern.message);
  return text
    .nullable()
    .optional()
    .transform((value) => (value ? value : null));
}

export const NAME_MAX = 50;
export const PURPOSE_MAX = 50;
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
/** The limit as people read it, in every message that names it. */
export const IMAGE_MAX_LABEL = `${IMAGE_MAX_BYTES / 1024 / 1024} MiB`;

export const cardnoSchema = z
  .string()
  .regex(/^\d{1,4}$/, 'Card number must be digits only, from 1 to 9999.')
  .transform(Number)
  .refine((n) => n >= 1 && n <= 9999, 'Card number must be from 1 to 9999.');

/** Required printable text of bounded length, trimmed: a name, a purpose. */
function boundedText(label: string, max: number) {
  return z
    .string()
    .trim()
    .min(1, `${label} must not be empty.`)
    .max(max, `${label} must be at most ${max} characters.`)
    .regex(PRINTABLE, `${label} must not contain control characters.`);
}

export const nameSchema = boundedText('Name', NAME_MAX);

export const mobileSchema = z
  .string()
  .min(1, 'Mobile number is required.')
  .regex(/^\+?\d{6,15}$/, 'Mobile number must be 6 to 15 digits, with a + in front if you like.');

export const purposeSchema = boundedText('Purpose', PURPOSE_MAX);

export const visiteeNoSchema = z
  .string()
  // Up to 16 digits: hosts made at another desk of the site are numbered high (server/db/own-numbers.ts).
  .regex(/^\d{1,16}$/, 'Person visited must be chosen from the list.')
  .transform(Number)
  .refine(Number.isSafeInteger, 'Person visited must be chosen from the list.');

export const checkInFieldsSchema = z.object({
  cardno: cardnoSchema,
  name: nameSchema,
  mobile: mobileSchema,
  purpose: purposeSchema,
  visitee_no: visiteeNoSchema.optional(),
});

export type CheckInFields = z.output<typeof checkInFieldsSchema>;
export type CheckInField = keyof z.input<typeof checkInFieldsSchema> | 'image';

export const REQUIRED_FIELDS = ['cardno', 'name', 'mobile', 'purpose'] as const;

/** Which error code a bad value of each field earns (the table in API contract). */
export const FIELD_ERROR_CODE: Record<CheckInField, ErrorCode> = {
  cardno: '2301',
  name: '2400',
  mobile: '2302',
  purpose: '2303',
  visitee_no: '2400',
  image: '2415',
};

export interface FieldProblem {
  field: CheckInField;
  code: ErrorCode;
  message: string;
}

export type FieldCheck = { ok: true; value: CheckInFields } | { ok: false; problems: FieldProblem[] };

/**
 * Checks raw form values in the contract's order: a required field that was not sent
 * at all is 2200; a field that was sent with a bad value earns that field's code.
 * Every problem is returned (the form shows them all); the API answers the first.
 */
export function checkCheckInFields(raw: Partial<Record<string, string>>): FieldCheck {
  const missing = REQUIRED_FIELDS.filter((field) => raw[field] === undefined);
  const problems: FieldProblem[] = missing.map((field) => ({
    field,
    code: '2200',
    message: `${field} is required.`,
  }));
  const parsed = checkInFieldsSchema.safeParse(withoutEmptyOptionals(raw));
  if (parsed.success && problems.length === 0) return { ok: true, value: parsed.data };
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as CheckInField;
      if (missing.includes(field as (typeof REQUIRED_FIELDS)[number])) continue;
      if (problems.some((p) => p.field === field)) continue;
      problems.push({ field, code: FIELD_ERROR_CODE[field], message: issue.message });
    }
  }
  return { ok: false, problems };
}

/** An HTML form sends an unchosen optional <select> as "": that means "not given". */
function withoutEmptyOptionals(raw: Partial<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of [...REQUIRED_FIELDS, 'visitee_no'] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (key === 'visitee_no' && value === '') continue;
    out[key] = value;
  }
  return out;
}

export const loginFieldsSchema = z.object({
  username: z.string().min(1),
  password: z.string().min(1),
  'device-info': z.string().max(200, 'device-info must be at most 200 characters.').optional(),
});

/** What a correction may change (API contract Part 2, Corrections), with the rules of a check-in. */
export const CORRECTION_FIELDS = ['name', 'mobile', 'purpose', 'card_no', 'visitee_no'] as const;
export type CorrectionField = (typeof CORRECTION_FIELDS)[number];

/** Those fields as a person names them (the audit trail's screen says "corrected card, host"). */
export const CORRECTION_FIELD_LABELS: Record<CorrectionField, string> = {
  name: 'name',
  mobile: 'mobile',
  purpose: 'purpose',
  card_no: 'card',
  visitee_no: 'host',
};

export interface VisitorCorrection {
  name?: string;
  mobile?: string;
  purpose?: string;
  card_no?: number;
  /** null: no host. */
  visitee_no?: number | null;
}

/** The body of PATCH /v1/visitors/<id>, for the API document; checkCorrection applies the rules. */
export const visitorCorrectionSchema = z
  .object({
    name: z.string().optional(),
    mobile: z.string().optional(),
    purpose: z.string().optional(),
    card_no: z.union([z.number().int(), z.string()]).optional().describe('1 to 9999 (2301 otherwise).'),
    visitee_no: z.number().int().nullable().optional().describe('A host from /v1/get/visitee/; null for none.'),
  })
  .meta({ id: 'VisitorCorrection' });

export type CorrectionCheck =
  | { ok: true; value: VisitorCorrection }
  | { ok: false; problem: { field: CorrectionField | undefined; code: ErrorCode; message: string } };

/**
 * Checks a correction: each field by the check-in's own schema and earning the check-in's
 * own code (2301 for the card, 2302 the mobile, 2303 the purpose, 2400 the rest); a field
 * that cannot be corrected, or nothing at all, is 2400.
 */
export function checkCorrection(raw: unknown): CorrectionCheck {
  const refuse = (field: CorrectionField | undefined, code: ErrorCode, message: string): CorrectionCheck => ({
    ok: false,
    problem: { field, code, message },
  });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return refuse(undefined, '2400', 'The correction must be a JSON object.');
  }
  const fields = raw as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !(CORRECTION_FIELDS as readonly string[]).includes(key));
  if (unknown) {
    return refuse(undefined, '2400', `${unknown} cannot be corrected; only ${CORRECTION_FIELDS.join(', ')} can.`);
  }
  if (Object.keys(fields).length === 0) return refuse(undefined, '2400', 'Nothing to correct: send a field to change.');
  const value: VisitorCorrection = {};
  const text = (field: 'name' | 'mobile' | 'purpose', schema: z.ZodType<string>, code: ErrorCode) => {
    if (fields[field] === undefined) return undefined;
    const parsed = typeof fields[field] === 'string' ? schema.safeParse(fields[field]) : undefined;
    if (!parsed?.success) return refuse(field, code, parsed?.error.issues[0]?.message ?? `${field} must be text.`);
    value[field] = parsed.data;
    return undefined;
  };
  const failed =
    text('name', nameSchema, FIELD_ERROR_CODE.name) ??
    text('mobile', mobileSchema, FIELD_ERROR_CODE.mobile) ??
    text('purpose', purposeSchema, FIELD_ERROR_CODE.purpose);
  if (failed) return failed;
  if (fields.card_no !== undefined) {
    const card = typeof fields.card_no === 'number' || typeof fields.card_no === 'string' ? String(fields.card_no) : '';
    const parsed = cardnoSchema.safeParse(card);
    if (!parsed.success) return refuse('card_no', FIELD_ERROR_CODE.cardno, parsed.error.issues[0]!.message);
    value.card_no = parsed.data;
  }
  if (fields.visitee_no !== undefined) {
    const host = fields.visitee_no;
    if (host !== null && !(typeof host === 'number' && Number.isInteger(host) && host > 0)) {
      return refuse('visitee_no', '2400', 'visitee_no must be a host number from the list, or null for none.');
    }
    value.visitee_no = host;
  }
  return { ok: true, value };
}
