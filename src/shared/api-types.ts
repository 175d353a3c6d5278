import { z } from 'zod';
import { signedAgreementSchema } from './agreements';
import { visitorNotificationSchema } from './notifications';
import { ERROR_TABLE, type ErrorCode } from './errors';

/**
 * The /v1 bodies as zod schemas: the server's serializers are compiled from them (no field
 * they do not name leaves the server, src/server/http/serializer.ts), the API document
 * (GET /v1/openapi.json) is generated from them, and the renderer's types are inferred
 * from them. One description, three uses.
 */

export const IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'bmp'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** The media type of each accepted format: what photos are served as, and what the file picker offers. */
export const IMAGE_CONTENT_TYPES: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  bmp: 'image/bmp',
};

/** The accepted formats as people read them. */
export const IMAGE_FORMATS_LABEL = 'JPEG, PNG, WebP or BMP';

/** How a visit ended: recorded at a desk, or by the automatic sign-out. */
export const EXIT_KINDS = ['desk', 'auto'] as const;
export type ExitKind = (typeof EXIT_KINDS)[number];

const localTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
  .describe('Local wall-clock time, YYYY-MM-DD HH:MM:SS.');

export const visitorIdSchema = z
  .string()
  .describe('Opaque, URL-safe, at least 128 random bits; never reused.')
  .meta({ example: 'Xq3vTLb0W9l2m5rjY8eVdA' });

/** Given by the server with each visitor that has a photo (server/http/thumb-urls.ts). */
/**
 * Which site an object is of, on a company server (API contract Part 6); null for the company
 * server's own. A desk's answers leave it out.
 */
export const siteIdField = z
  .string()
  .nullable()
  .optional()
  .describe('Company server only: the site it is of (GET /v1/sites); null for the company server’s own.');

export const thumbUrlField = z
  .string()
  .optional()
  .describe(
    'The thumbnail as a signed URL for `<img src>`: no token needed, good for one to two hours and only while the token that listed it is valid.',
  );

export const visitorSchema = z
  .object({
    visitor_id: visitorIdSchema,
    card_no: z.number().int().min(1).max(9999),
    name: z.string(),
    mobile: z.string(),
    purpose: z.string(),
    visitee_no: z.number().int().nullable(),
    visitee_name: z.string().nullable(),
    entry_time: localTime,
    exit_time: localTime.nullable(),
    exit_kind: z
      .enum(EXIT_KINDS)
      .nullable()
      .describe(
        'How the visit ended: `desk` (recorded by staff) or `auto` (the automatic sign-out); null while on the premises.',
      ),
    has_photo: z.boolean().describe('Whether /v1/photo/<id> can answer with an image right now.'),
    erased: z
      .boolean()
      .describe(
        'Erased: name, mobile and purpose replaced ("Erased visitor"), photo deleted; card, host and times kept.',
      ),
    photo_width: z.number().int().nullable().describe('Width of the full photo as displayed (EXIF applied).'),
    photo_height: z.number().int().nullable().describe('Height of the full photo as displayed (EXIF applied).'),
    thumbhash: z
      .string()
      .nullable()
      .describe('Base64 ThumbHash: a blurred placeholder to paint before any image arrives.'),
    thumb_url: thumbUrlField,
    notification: visitorNotificationSchema
      .nullable()
      .describe('The host’s arrival notice, sent by the desk of the check-in; null when none was written here.'),
    type_id: z
      .number()
      .int()
      .describe('Their visitor type (GET /v1/visitor-types/); 1 for visitors from before types.'),
    type_name: z.string(),
    type_color: z.string().describe('#rrggbb'),
    agreement: signedAgreementSchema
      .nullable()
      .describe('The agreement they signed at check-in: GET /v1/visitors/<id>/agreement.pdf is its signed copy.'),
    site_id: siteIdField,
  })
  .meta({ id: 'Visitor' });
export type Visitor = z.infer<typeof visitorSchema>;

export const visiteeSchema = z
  .object({
    visitee_no: z.number().int(),
    name: z.string(),
    department: z.string().nullable().describe('Where they work: tells two hosts of one name apart.'),
  })
  .meta({ id: 'Visitee' });
export type Visitee = z.infer<typeof visiteeSchema>;

export const okResponseSchema = z.object({ success: z.literal(true) });

export const tokenResponseSchema = z.object({
  success: z.literal(true),
  data: z.object({
    access_token: z.string(),
    expiry: z.number().int().describe('UNIX time in seconds; tokens live 30 days.'),
  }),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const visitorListResponseSchema = z.object({ success: z.literal(true), data: z.array(visitorSchema) });
export type VisitorListResponse = z.infer<typeof visitorListResponseSchema>;

export const visitorResponseSchema = z.object({ success: z.literal(true), data: visitorSchema });
export type VisitorResponse = z.infer<typeof visitorResponseSchema>;

export const nextCardResponseSchema = z.object({
  success: z.literal(true),
  data: z.object({ card_no: z.number().int().describe('The lowest card number nobody on the premises holds.') }),
});
export type NextCardResponse = z.infer<typeof nextCardResponseSchema>;

export const visitorLogResponseSchema = z.object({
  success: z.literal(true),
  data: z.array(visitorSchema),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next, older page; null on the last page.'),
  prev_cursor: z
    .string()
    .nullable()
    .describe('Pass as `cursor` for the page before this one (newer entries); null on the first page.'),
  on_site_count: z.number().int().optional().describe('With on_site=1: how many visitors are on the premises.'),
});
export type VisitorLogResponse = z.infer<typeof visitorLogResponseSchema>;

export const visiteeListResponseSchema = z.object({ success: z.literal(true), data: z.array(visiteeSchema) });
export type VisiteeListResponse = z.infer<typeof visiteeListResponseSchema>;

export const addVisitorResponseSchema = z.object({ success: z.literal(true), visitor_id: visitorIdSchema });
export type AddVisitorResponse = z.infer<typeof addVisitorResponseSchema>;

export const setupStatusResponseSchema = z.object({
  success: z.literal(true),
  data: z.object({
    needs_first_user: z.boolean(),
    /** This desk joined a site and waits for its staff accounts: staff sign in with one when they arrive. */
    joining_site: z.boolean(),
  }),
});
export type SetupStatusResponse = z.infer<typeof setupStatusResponseSchema>;

/** The error body of the contract, with exactly the codes a given answer may carry. */
export function errorBodySchema(codes: readonly ErrorCode[]) {
  return z.object({
    success: z.literal(false),
    errors: z.object({
      message: z.string(),
      type: z.enum([...new Set(codes.map((code) => ERROR_TABLE[code].type))] as [string, ...string[]]),
      code: z.enum(codes as [ErrorCode, ...ErrorCode[]]),
      field: z.string().optional().describe('The form field at fault, when there is one.'),
    }),
  });
}

export const LOG_PAGE_DEFAULT = 50;
export const LOG_PAGE_MAX = 200;
