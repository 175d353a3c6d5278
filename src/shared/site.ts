import { z } from 'zod';

/** One desk of the site as this desk sees it (API contract Part 3, Desks). */
export const siteDeskSchema = z.object({
  desk_id: z.string(),
  name: z.string(),
  /** Where this desk reaches it: the address set here, else the one it gave. */
  address: z.string().nullable(),
  /**
   * When this desk last exchanged changes with it (its last answer to this desk's asking: being
   * asked brings nothing of its own), local time; null for this desk itself.
   */
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

/** A desk's peer address as staff type it: https://host:port. */
const peerAddressField = (field: string, what = '') =>
  z
    .string()
    .max(300)
    .regex(/^https:\/\/[^/\s?#@]+:\d{1,5}\/?$/, `${field} must be ${what}https://host:port.`);

export const deskAddressSchema = z.object({ address: peerAddressField('address') });

/** Where a desk listens for the other desks of its site: an address of the machine, and a port. */
export const listenSchema = z.object({
  host: z
    .string()
    .min(1, 'host is needed: an address of this computer on the network.')
    .max(100)
    .regex(/^[0-9A-Za-z.:-]+$/, 'host must be an address of this computer, e.g. 192.168.1.20.')
    // The other desks are told this address: "every address" is none they can reach.
    .refine((host) => !/^(?:0+(?:\.0+){0,3}|::0*|::ffff:0+(?:\.0+){3})$/i.test(host), {
      message: 'host must be one address of this computer that the other desks can reach, not "any address".',
    }),
  port: z.number().int().min(1, 'port must be between 1 and 65535.').max(65535, 'port must be between 1 and 65535.'),
});
export type ListenAt = z.infer<typeof listenSchema>;

/** The address the other desks reach a desk listening at `at` by: https://host:port (an IPv6 host in brackets). */
export function peerAddressOf(at: ListenAt): string {
  return `https://${at.host.includes(':') ? `[${at.host}]` : at.host}:${at.port}`;
}

/** Where a desk listens, read back from its peer address. */
export function listenAtOf(address: string): ListenAt {
  const url = new URL(address);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) };
}

/** The port a desk offers to listen on for the other desks, unless told otherwise. */
export const DEFAULT_PEER_PORT = 4443;

const deskNameField = z.string().trim().min(1, 'desk_name is needed, e.g. "Side door".').max(100);

export const createSiteSchema = z.object({
  name: z.string().trim().min(1, 'name is needed: the site, e.g. "Head office".').max(200),
  desk_name: deskNameField,
  listen: listenSchema,
});
export type CreateSiteRequest = z.infer<typeof createSiteSchema>;

export const joinSiteSchema = z.object({
  peer: peerAddressField('peer', 'the inviting desk’s address, '),
  code: z.string().max(100),
  desk_name: deskNameField,
  listen: listenSchema,
});
export type JoinSiteRequest = z.infer<typeof joinSiteSchema>;

export const inviteResponseSchema = z.object({
  success: z.literal(true),
  data: z.object({
    code: z.string().describe('The one-time join code: single use, valid until `expires_time`.'),
    address: z.string().describe('Where the new desk reaches this one: https://host:port.'),
    expires_time: z.string(),
  }),
});
export type InviteResponse = z.infer<typeof inviteResponseSchema>;

/** Another desk of the site, and when this desk last heard from it (null: never). */
const heardDeskSchema = z.object({ desk_id: z.string(), name: z.string(), last_heard_time: z.string().nullable() });

export const siteStatusSchema = z.object({
  site: z
    .object({
      site_id: z.string(),
      name: z.string(),
      desk_id: z.string(),
      desk_name: z.string(),
      /** Where this desk listens for the others; null when it cannot listen now. */
      listening: z.string().nullable(),
      desks: z.array(heardDeskSchema),
    })
    .nullable()
    .describe('The site this desk belongs to; null for a desk on its own.'),
  /** Addresses of this computer another desk could reach it at, the likeliest first. */
  peer_hosts: z.array(z.string()),
});
export type SiteStatus = z.infer<typeof siteStatusSchema>;
export const siteStatusResponseSchema = z.object({ success: z.literal(true), data: siteStatusSchema });
export type SiteStatusResponse = z.infer<typeof siteStatusResponseSchema>;

/** A site a company server holds, as head office sees it (API contract Part 6, GET /v1/sites). */
export const companySiteSchema = z.object({
  site_id: z.string(),
  name: z.string(),
  on_premises: z.number().int().describe('Visitors on the premises of the site now, as the company server knows.'),
  open_evacuation_id: z.number().int().nullable().describe('The roll call open at the site, if one is.'),
  desks: z
    .array(heardDeskSchema)
    .describe('The desks of the site (revoked ones aside), and when the company server last heard from each.'),
});
export type CompanySite = z.infer<typeof companySiteSchema>;
export const sitesResponseSchema = z.object({ success: z.literal(true), data: z.array(companySiteSchema) });
export type SitesResponse = z.infer<typeof sitesResponseSchema>;
