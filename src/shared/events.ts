import { z } from 'zod';
import { visitorIdSchema, visitorSchema } from './api-types';

/**
 * What GET /v1/events sends (API contract, Live updates): one Server-Sent Event per
 * change, its `event:` line the type and its `data:` line this JSON. A check-in and an
 * exit (and an erasure) carry the visitor as the log shows it, so a desk updates without asking again;
 * `expected.changed` names the expected visit to re-read; `log.changed` says only that
 * another process changed the data: re-read.
 */
// On a company server a site's event says which site's it is, for a roll's or an expected
// visit's number is its site's own; the company server's own say none.
const ofSite = {
  site_id: z
    .string()
    .optional()
    .describe('Company server only: the site the change is of (GET /v1/sites); absent for the company server’s own.'),
};

export const deskEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('visitor.checkin'), visitor_id: visitorIdSchema, visitor: visitorSchema, ...ofSite }),
  z.object({ type: z.literal('visitor.exit'), visitor_id: visitorIdSchema, visitor: visitorSchema, ...ofSite }),
  z.object({ type: z.literal('visitor.erased'), visitor_id: visitorIdSchema, visitor: visitorSchema, ...ofSite }),
  // A correction, or an exit undone: the visitor as they now are (back on site, for the latter).
  z.object({ type: z.literal('visitor.updated'), visitor_id: visitorIdSchema, visitor: visitorSchema, ...ofSite }),
  z.object({ type: z.literal('expected.changed'), expected_id: z.number().int(), ...ofSite }),
  z.object({ type: z.literal('evacuation.changed'), evacuation_id: z.number().int(), ...ofSite }),
  z.object({ type: z.literal('log.changed'), ...ofSite }),
]);

export type DeskEvent = z.infer<typeof deskEventSchema>;

/** The server sends a comment at least this often, so proxies and the client know the stream is alive. */
export const EVENTS_KEEPALIVE_MS = 15_000;
