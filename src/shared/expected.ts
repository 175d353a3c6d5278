import { z } from 'zod';
import { localDateSchema, TIME_OF_DAY } from './dates';
import { emailSchema, mobileSchema, nameSchema, PRINTABLE, purposeSchema, requiredTextError } from './visitor-fields';

export const NOTE_MAX = 200;
export const EXPECTED_STATUSES = ['expected', 'arrived', 'cancelled'] as const;
export type ExpectedStatus = (typeof EXPECTED_STATUSES)[number];

/** Empty text in an optional field means "not given". */
const blankIsAbsent = (value: unknown) => (value === '' || value === null ? undefined : value);

/** What an invitation's QR code holds: 256 random bits, as upper-case hex (a QR code's compact alphanumeric mode). */
export const INVITE_TOKEN = /^[0-9A-F]{64}$/;

export const newExpectedSchema = z.object({
  name: z.string({ error: requiredTextError('name') }).pipe(nameSchema),
  expected_date: z.string({ error: requiredTextError('expected_date') }).pipe(localDateSchema('expected_date')),
  expected_time: z.preprocess(
    blankIsAbsent,
    z
      .string({ error: 'expected_time must be a time "HH:MM".' })
      .regex(TIME_OF_DAY, 'expected_time must be a time from "00:00" to "23:59", written "HH:MM".')
      .optional()
      .describe('When the visitor is due, local "HH:MM" (a Frontdesk addition).'),
  ),
  visitee_no: z.preprocess(
    blankIsAbsent,
    z.number({ error: 'visitee_no must be a host number.' }).int('visitee_no must be a host number.').optional(),
  ),
  purpose: z.preprocess(blankIsAbsent, purposeSchema.optional()),
  mobile: z.preprocess(blankIsAbsent, mobileSchema.optional()),
  email: z.preprocess(blankIsAbsent, emailSchema.optional().describe('Send the visitor an invitation here.')),
  note: z.preprocess(
    blankIsAbsent,
    z
      .string({ error: 'note must be text.' })
      .trim()
      .max(NOTE_MAX, `note must be at most ${NOTE_MAX} characters.`)
      .regex(PRINTABLE, 'note must not contain control characters.')
      .optional(),
  ),
});
export type NewExpected = z.input<typeof newExpectedSchema>;

export const expectedVisitSchema = z
  .object({
    expected_id: z.number().int(),
    name: z.string(),
    expected_date: z.string(),
    expected_time: z.string().nullable().describe('When the visitor is due, "HH:MM"; null when not said.'),
    visitee_no: z.number().int().nullable(),
    visitee_name: z.string().nullable(),
    purpose: z.string().nullable(),
    mobile: z.string().nullable(),
    note: z.string().nullable(),
    status: z.enum(EXPECTED_STATUSES),
    visitor_id: z.string().nullable().describe('Once arrived: the visitor the check-in created.'),
    email: z.string().nullable().describe('The visitor’s e-mail address, where their invitation goes.'),
    invited_time: z
      .string()
      .nullable()
      .describe('When the invitation was sent, "YYYY-MM-DD HH:MM:SS" local; null: not (yet) sent.'),
  })
  .meta({ id: 'ExpectedVisit' });
export type ExpectedVisit = z.infer<typeof expectedVisitSchema>;

export const expectedResponseSchema = z.object({ success: z.literal(true), data: expectedVisitSchema });
export const expectedListResponseSchema = z.object({ success: z.literal(true), data: z.array(expectedVisitSchema) });
export type ExpectedResponse = z.infer<typeof expectedResponseSchema>;
export type ExpectedListResponse = z.infer<typeof expectedListResponseSchema>;
