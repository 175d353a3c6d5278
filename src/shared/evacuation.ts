import { z } from 'zod';
import { siteIdField, thumbUrlField } from './api-types';

export const EVACUATION_KINDS = ['drill', 'real'] as const;
export type EvacuationKind = (typeof EVACUATION_KINDS)[number];

export const startEvacuationSchema = z.object({
  kind: z.enum(EVACUATION_KINDS, { error: 'kind must be "drill" or "real".' }),
});

export const rollPersonSchema = z
  .object({
    visitor_id: z.string(),
    name: z.string(),
    card_no: z.number().int(),
    mobile: z.string().describe('To phone someone not yet accounted for; empty once the visitor is erased.'),
    visitee_name: z.string().nullable(),
    has_photo: z.boolean(),
    thumbhash: z.string().nullable(),
    thumb_url: thumbUrlField,
    accounted_time: z.string().nullable().describe('When they were marked safe; null while not accounted for.'),
    accounted_by: z.string().nullable().describe('The staff account that marked them safe.'),
  })
  .meta({ id: 'RollPerson' });
export type RollPerson = z.infer<typeof rollPersonSchema>;

export const rollDeskSchema = z
  .object({
    desk_id: z.string(),
    name: z.string(),
    last_heard_time: z
      .string()
      .nullable()
      .describe(
        'When this desk last exchanged changes with that desk (its last answer): the roll has what that desk had then.',
      ),
  })
  .meta({ id: 'RollDesk' });
export type RollDesk = z.infer<typeof rollDeskSchema>;

const evacuationFields = {
  evacuation_id: z.number().int(),
  kind: z.enum(EVACUATION_KINDS),
  started_time: z.string(),
  started_by: z.string().nullable(),
  closed_time: z.string().nullable(),
  closed_by: z.string().nullable(),
  site_id: siteIdField,
};

export const evacuationSchema = z
  .object({
    ...evacuationFields,
    people: z.array(rollPersonSchema),
    desks: z
      .array(rollDeskSchema)
      .describe('Every other desk of the site, and when this desk last heard from it; empty for a desk on its own.'),
  })
  .meta({ id: 'Evacuation' });
export type Evacuation = z.infer<typeof evacuationSchema>;

export const evacuationSummarySchema = z
  .object({ ...evacuationFields, people_count: z.number().int(), accounted_count: z.number().int() })
  .meta({ id: 'EvacuationSummary' });
export type EvacuationSummary = z.infer<typeof evacuationSummarySchema>;

export const evacuationResponseSchema = z.object({ success: z.literal(true), data: evacuationSchema });
export type EvacuationResponse = z.infer<typeof evacuationResponseSchema>;
export const evacuationListResponseSchema = z.object({
  success: z.literal(true),
  data: z.array(evacuationSummarySchema),
});
export type EvacuationListResponse = z.infer<typeof evacuationListResponseSchema>;
