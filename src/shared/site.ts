import { z } from 'zod';

/** One desk of the site as this desk sees it (shared/API.md Part 3, Desks). */
export const siteDeskSchema = z.object({
  desk_id: z.string(),
  name: z.string(),
  /** Where this desk reaches it: the address set here, else the one it gave. */
  address: z.string().nullable(),
  /** When this desk last exchanged changes with it, local time; null for this desk itself. */
  last_heard_time: z.string().nullable(),
  revoked: z.boolean(),
  /** Changes this desk has that it lacks, as far as this desk knows. */
  pending_to: z.number().int(),
  /** Changes it has that this desk lacks, as far as this desk knows. */
  pending_from: z.number().int(),
});
export type SiteDesk = z.infer<typeof siteDeskSchema>;

export const siteResponseSchema = z.object({
  success: z.literal(true),
  data: z.object({
    site_id: z.string(),
    name: z.string(),
    desk_id: z.string(),
    desks: z.array(siteDeskSchema),
  }),
});
export type SiteResponse = z.infer<typeof siteResponseSchema>;

export const deskAddressSchema = z.object({
  address: z
    .string()
    .max(300)
    .regex(/^https:\/\/[^/\s?#@]+:\d{1,5}\/?$/, 'address must be https://host:port.'),
});
