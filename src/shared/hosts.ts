import { z } from 'zod';
import { EMAIL_ADDRESS, EMAIL_ADDRESS_MESSAGE, optionalText, PRINTABLE, requiredTextError } from './visitor-fields';

/**
 * The people visited ("visitees", API contract Part 2 Hosts): one set of rules for the
 * admin form, the JSON endpoints and every row of a CSV import.
 */

export const HOST_NAME_MAX = 100;
export const HOST_TEXT_MAX = 100;
export const HOST_IMPORT_MAX_BYTES = 1024 * 1024;
export const HOST_IMPORT_MAX_LABEL = '1 MiB';
/** More than a large organisation's directory, few enough that one import is a short transaction. */
export const HOST_IMPORT_MAX_ROWS = 20_000;

export const hostFieldsSchema = z.object({
  name: z
    .string({ error: requiredTextError('name') })
    .trim()
    .min(1, 'name must not be empty.')
    .max(HOST_NAME_MAX, `name must be at most ${HOST_NAME_MAX} characters.`)
    .regex(PRINTABLE, 'name must not contain control characters.'),
  email: optionalText('email', 254, {
    rule: EMAIL_ADDRESS,
    message: EMAIL_ADDRESS_MESSAGE,
  }),
  phone: optionalText('phone', 40, {
    rule: /^\+?[\d\s\-().]{3,40}$/,
    message: 'phone may hold digits, spaces, + - ( ) and dots only.',
  }),
  department: optionalText('department', HOST_TEXT_MAX),
});
export type HostFields = z.output<typeof hostFieldsSchema>;

export const hostPatchSchema = hostFieldsSchema.partial().extend({
  active: z.boolean({ error: 'active must be true or false.' }).optional(),
});
export type HostPatch = z.input<typeof hostPatchSchema>;

export const hostSchema = z
  .object({
    visitee_no: z.number().int(),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    department: z.string().nullable(),
    active: z.boolean().describe('An inactive host is not offered at check-in and cannot be chosen.'),
  })
  .meta({ id: 'Host' });
export type Host = z.infer<typeof hostSchema>;

export const hostResponseSchema = z.object({ success: z.literal(true), data: hostSchema });
export const hostListResponseSchema = z.object({ success: z.literal(true), data: z.array(hostSchema) });
export type HostResponse = z.infer<typeof hostResponseSchema>;
export type HostListResponse = z.infer<typeof hostListResponseSchema>;

export const hostImportResultSchema = z
  .object({
    added: z.number().int(),
    updated: z.number().int(),
    rejected: z.array(
      z.object({
        line: z.number().int().describe('The line of the file on which the row starts; the header is line 1.'),
        message: z.string(),
      }),
    ),
    ignored_columns: z
      .array(z.string())
      .describe('Header titles that name no host column (name, email, phone, department, or their usual names).'),
    rows: z
      .array(
        z.object({
          line: z.number().int(),
          action: z.enum(['add', 'update']),
          name: z.string(),
          email: z.string().nullable(),
        }),
      )
      .optional()
      .describe('With dry_run=1: what each usable row would do, line by line.'),
  })
  .meta({ id: 'HostImport' });
export type HostImportResult = z.infer<typeof hostImportResultSchema>;
export const hostImportResponseSchema = z.object({ success: z.literal(true), data: hostImportResultSchema });
export type HostImportResponse = z.infer<typeof hostImportResponseSchema>;
