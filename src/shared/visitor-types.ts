import { z } from 'zod';
import { optionalText, PRINTABLE, requiredTextError } from './visitor-fields';

/** Visitor types (API contract Part 5): what a site's check-in asks of each kind of visitor. */

export const TYPE_NAME_MAX = 40;
export const BADGE_NOTE_MAX = 80;
/** The type a check-in without `type_id` has, and that visitors from before types are shown as. */
export const DEFAULT_TYPE_ID = 1;

const colorSchema = z
  .string({ error: 'color must be text.' })
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, 'color must be a colour like #2563eb.')
  .transform((value) => value.toLowerCase());

export const visitorTypeFieldsSchema = z.object({
  name: z
    .string({ error: requiredTextError('name') })
    .trim()
    .min(1, 'name must not be empty.')
    .max(TYPE_NAME_MAX, `name must be at most ${TYPE_NAME_MAX} characters.`)
    .regex(PRINTABLE, 'name must not contain control characters.'),
  color: colorSchema,
  photo_required: z.boolean({ error: 'photo_required must be true or false.' }),
  agreement_id: z
    .number({ error: 'agreement_id must be an agreement’s number or null.' })
    .int()
    .positive()
    .max(Number.MAX_SAFE_INTEGER)
    .nullable(),
  badge_note: optionalText('badge_note', BADGE_NOTE_MAX),
});
export type VisitorTypeFields = z.output<typeof visitorTypeFieldsSchema>;

export const visitorTypePatchSchema = visitorTypeFieldsSchema.partial().extend({
  active: z.boolean({ error: 'active must be true or false.' }).optional(),
});
export type VisitorTypePatch = z.output<typeof visitorTypePatchSchema>;

export const visitorTypeSchema = z
  .object({
    type_id: z.number().int(),
    name: z.string(),
    color: z.string().describe('#rrggbb: the grid card, the badge and History show it.'),
    photo_required: z.boolean().describe('false: a check-in of this type may come without `image`.'),
    agreement_id: z.number().int().nullable().describe('The agreement a visitor of this type signs at check-in.'),
    agreement_version: z
      .number()
      .int()
      .nullable()
      .describe('The agreement’s current version: what `agreement_version` of POST /v1/add/ must be.'),
    badge_note: z.string().nullable().describe('A line the badge prints under the type.'),
    active: z.boolean().describe('An inactive type is not offered at check-in; visitors of it keep it.'),
  })
  .meta({ id: 'VisitorType' });
export type VisitorType = z.infer<typeof visitorTypeSchema>;

export const visitorTypeResponseSchema = z.object({ success: z.literal(true), data: visitorTypeSchema });
export const visitorTypeListResponseSchema = z.object({
  success: z.literal(true),
  data: z.array(visitorTypeSchema),
});
export type VisitorTypeResponse = z.infer<typeof visitorTypeResponseSchema>;
export type VisitorTypeListResponse = z.infer<typeof visitorTypeListResponseSchema>;
