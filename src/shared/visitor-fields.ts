import { z } from 'zod';
import type { ErrorCode } from './errors';

/**
 * The check-in form's field rules (shared/API.md, POST /v1/add/). The server validates
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
  .regex(/^\+?\d{6,15}$/, 'Mobile number must be an optional + and then 6 to 15 digits.');

export const purposeSchema = boundedText('Purpose', PURPOSE_MAX);

export const visiteeNoSchema = z
  .string()
  .regex(/^\d{1,9}$/, 'Person visited must be chosen from the list.')
  .transform(Number);

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

/** Which error code a bad value of each field earns (the table in shared/API.md). */
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
