import { z } from 'zod';
import { PRINTABLE, requiredTextError } from './visitor-fields';

/** Agreements (API contract Part 5): versioned Markdown texts a visitor signs on the desk's screen. */

export const AGREEMENT_TITLE_MAX = 120;
export const AGREEMENT_TEXT_MAX = 20_000;
export const SIGNATURE_MAX_BYTES = 200 * 1024;
export const SIGNATURE_MAX_LABEL = '200 KiB';

/** Control characters other than line breaks and tabs have no place in a text people read. */
const TEXT_CHARACTERS = /^[^\p{Cc}\p{Cf}\p{Co}\p{Cs}]*$/u;
const withoutBreaks = (value: string): string => value.replace(/[\n\r\t]/g, '');
/** Quotes or lists nested more than 8 deep on one line: no agreement needs it, and laying it out costs dearly. */
const TOO_DEEP = /^[ \t]*(?:(?:>|[-*+]|\d{1,9}[.)])[ \t]*){9,}/m;

const titleSchema = z
  .string({ error: requiredTextError('title') })
  .trim()
  .min(1, 'title must not be empty.')
  .max(AGREEMENT_TITLE_MAX, `title must be at most ${AGREEMENT_TITLE_MAX} characters.`)
  .regex(PRINTABLE, 'title must not contain control characters.');

const textSchema = z
  .string({ error: requiredTextError('text') })
  .transform((value) => value.replace(/\r\n?/g, '\n').trim())
  .refine((value) => value.length > 0, 'text must not be empty.')
  .refine((value) => value.length <= AGREEMENT_TEXT_MAX, `text must be at most ${AGREEMENT_TEXT_MAX} characters.`)
  .refine((value) => TEXT_CHARACTERS.test(withoutBreaks(value)), 'text must not contain control characters.')
  .refine((value) => !TOO_DEEP.test(value), 'text must not nest quotes or lists more than 8 deep.');

export const newAgreementSchema = z.object({ title: titleSchema, text: textSchema });
export const agreementPatchSchema = z
  .object({ title: titleSchema.optional(), text: textSchema.optional() })
  .refine((patch) => patch.title !== undefined || patch.text !== undefined, 'Send a new title, a new text, or both.');
export type NewAgreement = z.output<typeof newAgreementSchema>;
export type AgreementPatch = z.output<typeof agreementPatchSchema>;

export const agreementSchema = z
  .object({
    agreement_id: z.number().int(),
    version: z.number().int().describe('Starts at 1; every change makes the next. A version once made never changes.'),
    title: z.string(),
    text: z.string().describe('Markdown.'),
    sha256: z.string().describe('SHA-256 of `text` (UTF-8), hex: what a signed copy names.'),
    time: z.string().describe('When this version was made, local time.'),
  })
  .meta({ id: 'Agreement' });
export type Agreement = z.infer<typeof agreementSchema>;

export const agreementResponseSchema = z.object({ success: z.literal(true), data: agreementSchema });
export const agreementListResponseSchema = z.object({ success: z.literal(true), data: z.array(agreementSchema) });
export type AgreementResponse = z.infer<typeof agreementResponseSchema>;
export type AgreementListResponse = z.infer<typeof agreementListResponseSchema>;

/** A visitor's signed agreement as the visitor object names it. */
export const signedAgreementSchema = z
  .object({
    agreement_id: z.number().int(),
    version: z.number().int(),
    title: z.string(),
    time: z.string().describe('When it was signed, local time.'),
  })
  .meta({ id: 'SignedAgreement' });
export type SignedAgreement = z.infer<typeof signedAgreementSchema>;
