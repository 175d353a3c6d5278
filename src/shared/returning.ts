import { z } from 'zod';
import { thumbUrlField } from './api-types';

/** Returning visitors (API contract Part 5): earlier visitors offered as the check-in form is typed. */

export const RETURNING_QUERY_MIN = 2;
export const RETURNING_LIMIT = 10;

export const returningQuerySchema = z.object({
  q: z
    .string({ error: 'q is required.' })
    .trim()
    .min(RETURNING_QUERY_MIN, `q must be at least ${RETURNING_QUERY_MIN} characters.`)
    .max(100, 'q must be at most 100 characters.'),
});

export const returningVisitorSchema = z
  .object({
    visitor_id: z.string().describe('Their latest visit: its thumbnail, and what a check-in names as `returning_id`.'),
    name: z.string(),
    mobile: z.string(),
    purpose: z.string(),
    visitee_no: z.number().int().nullable(),
    type_id: z.number().int(),
    last_visit_time: z.string(),
    has_photo: z.boolean().describe('Whether a thumbnail of their latest visit is kept.'),
    thumb_url: thumbUrlField,
    signed: z
      .array(z.object({ agreement_id: z.number().int(), version: z.number().int() }))
      .describe('The latest version of each agreement they signed: one still current need not be signed again.'),
  })
  .meta({ id: 'ReturningVisitor' });
export type ReturningVisitor = z.infer<typeof returningVisitorSchema>;
export const returningResponseSchema = z.object({ success: z.literal(true), data: z.array(returningVisitorSchema) });
export type ReturningResponse = z.infer<typeof returningResponseSchema>;
