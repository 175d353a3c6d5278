import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  HOST_IMPORT_MAX_BYTES,
  HOST_IMPORT_MAX_LABEL,
  HOST_IMPORT_MAX_ROWS,
  hostFieldsSchema,
  hostImportResponseSchema,
  hostListResponseSchema,
  hostPatchSchema,
  hostResponseSchema,
  type HostImportResponse,
  type HostListResponse,
  type HostResponse,
} from '../../../shared/hosts';
import {
  AUDIT_ACTIONS,
  auditPageResponseSchema,
  eraseRequestSchema,
  eraseResponseSchema,
  type AuditPageResponse,
  type EraseResponse,
} from '../../../shared/audit';
import { dayRange, localDateSchema } from '../../../shared/dates';
import { settingsPatchSchema, settingsResponseSchema, type SettingsResponse } from '../../../shared/settings';
import {
  newStaffSchema,
  staffListResponseSchema,
  staffPatchSchema,
  staffResponseSchema,
  type StaffAccount,
  type StaffListResponse,
  type StaffResponse,
} from '../../../shared/staff';
import { ApiError } from '../../api-error';
import type { CompanySites } from '../../company/company-sites';
import { siteQuerySchema, storesOf } from '../site-scope';
import type { AppContext } from '../../context';
import type { UserRow } from '../../db/repositories/users';
import type { AuditCursor } from '../../db/repositories/audit-log';
import { parseNumericId } from '../../ids';
import { formatLocalTime } from '../../time-format';
import { routeSchema } from '../openapi';
import type { PeerListener } from '../../site/peer-listener';
import { notificationAdminRoutes } from './notifications';
import { checkinFlowAdminRoutes } from './checkin-flows-admin';
import { siteAdminRoutes } from './site';
import { requireAdmin } from '../roles';

const idParams = z.object({ id: z.string() });

const auditQuerySchema = siteQuerySchema
  .extend({
    cursor: z
      .string()
      .regex(/^\d{1,16}\.[0-9a-f]{32}\.\d{1,16}$/, 'The cursor is not one this server gave out.')
      .optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    visitor_id: z.string().max(64).optional(),
    action: z.enum(AUDIT_ACTIONS, { error: `action must be one of ${AUDIT_ACTIONS.join(', ')}.` }).optional(),
    account: z
      .string()
      .regex(/^(?:system|\d{1,16})$/, 'account must be a user_id, or "system" for the desk’s own entries.')
      .optional()
      .describe('One staff account’s entries (its user_id), or `system` for the desk’s own.'),
    from: localDateSchema('from').optional(),
    to: localDateSchema('to').optional(),
  })
  .refine((query) => !query.from || !query.to || query.from <= query.to, {
    message: 'from must be on or before to.',
    path: ['from'],
  });

/** Where the next page of the trail starts: the time, desk and ID of the last entry shown. */
const auditCursor = (row: AuditCursor): string => `${row.time}.${row.desk_id}.${row.audit_id}`;

function parseAuditCursor(cursor: string): AuditCursor {
  const [time, deskId, auditId] = cursor.split('.');
  return { time: Number(time), desk_id: deskId!, audit_id: Number(auditId) };
}

/** Two desk IDs in the order SQL gives them (their bytes), as the cursor's row value compares them. */
const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A staff change as a person reads it on the trail: whose account, what changed, from what to what. */
function toStaff(user: UserRow): StaffAccount {
  return {
    user_id: user.id,
    username: user.username,
    role: user.role,
    active: user.active === 1,
    created_time: formatLocalTime(user.created_at),
  };
}

/** The admin area's endpoints (API contract Part 2): staff, hosts, privacy, settings. Admins only. */
export async function adminRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  peers: PeerListener,
  sites: CompanySites | undefined,
): Promise<void> {
  await app.register(
    async (untyped) => {
      requireAdmin(untyped, ctx.auth);
      const admin = untyped.withTypeProvider<ZodTypeProvider>();
      const adminOnly = { 403: ['1300' as const] };

      // --- Staff ---------------------------------------------------------------------
      const STAFF = ['Staff (admin)'];
      const staffAccount = (id: string): UserRow => {
        const userId = parseNumericId(id);
        const user = userId === undefined ? undefined : ctx.repositories.users.byId(userId);
        if (!user) throw new ApiError('3404', 'There is no staff account with that ID.');
        return user;
      };

      admin.get(
        '/users',
        {
          schema: routeSchema({
            summary: 'Every staff account, inactive ones too',
            tags: STAFF,
            success: { schema: staffListResponseSchema },
            errors: adminOnly,
          }),
        },
        async (): Promise<StaffListResponse> => ({
          success: true,
          data: ctx.repositories.users.all().map(toStaff),
        }),
      );

      admin.post(
        '/users',
        {
          schema: routeSchema({
            summary: 'Add a staff account',
            description:
              'The password rules are those of the first-run set-up. 2409 if the username is taken. ' +
              'On a company server, `site_id` makes the account one of that site’s (3404: no such site); ' +
              'on a desk it is refused (2400).',
            tags: STAFF,
            body: newStaffSchema,
            success: { status: 201, schema: staffResponseSchema },
            errors: { ...adminOnly, 400: ['2400'], 404: ['3404'], 409: ['2409'] },
          }),
        },
        async (request, reply): Promise<StaffResponse> => {
          const { username, password, role, site_id } = request.body;
          if (site_id !== undefined) {
            if (!sites) {
              throw new ApiError('2400', 'site_id is for a company server: a desk holds one site, its own.', {
                field: 'site_id',
              });
            }
            const site = sites.site(site_id);
            const headOffice = ctx.repositories.users.byId(request.userId!)!.username;
            const id = await site.auth.createUser(username, password, { role, by: { headOffice } });
            reply.code(201);
            return { success: true, data: toStaff(site.repositories.users.byId(id)!) };
          }
          const id = await ctx.auth.createUser(username, password, { role, by: request.userId! });
          reply.code(201);
          return { success: true, data: toStaff(ctx.repositories.users.byId(id)!) };
        },
      );

      admin.patch(
        '/users/:id',
        {
          schema: routeSchema({
            summary: 'Change a staff account: role, active, password',
            description:
              'Deactivating an account or changing its password ends all of its tokens at once. ' +
              'Demoting or deactivating the last active admin is 2409.',
            tags: STAFF,
            params: idParams,
            body: staffPatchSchema,
            success: { schema: staffResponseSchema },
            errors: { ...adminOnly, 404: ['3404'], 409: ['2409'] },
          }),
        },
        async (request): Promise<StaffResponse> => {
          const user = staffAccount(request.params.id);
          await ctx.auth.changeUser(user.id, request.body, request.userId!);
          return { success: true, data: toStaff(ctx.repositories.users.byId(user.id)!) };
        },
      );

      // --- Hosts ---------------------------------------------------------------------
      const HOSTS = ['Hosts (admin)'];
      const hostNo = (id: string): number => {
        const visiteeNo = parseNumericId(id);
        if (visiteeNo === undefined) throw new ApiError('3404', 'There is no host with that number.');
        return visiteeNo;
      };

      admin.get(
        '/visitees',
        {
          schema: routeSchema({
            summary: 'Every host, inactive ones too',
            tags: HOSTS,
            success: { schema: hostListResponseSchema },
            errors: adminOnly,
          }),
        },
        async (): Promise<HostListResponse> => ({ success: true, data: ctx.hosts.all() }),
      );

      admin.post(
        '/visitees',
        {
          schema: routeSchema({
            summary: 'Add a host',
            tags: HOSTS,
            body: hostFieldsSchema,
            success: { status: 201, schema: hostResponseSchema },
            errors: adminOnly,
          }),
        },
        async (request, reply): Promise<HostResponse> => {
          reply.code(201);
          return { success: true, data: ctx.hosts.create(request.body) };
        },
      );

      admin.patch(
        '/visitees/:id',
        {
          schema: routeSchema({
            summary: 'Change a host, or deactivate one',
            description:
              'An inactive host is left out of GET /v1/get/visitee/ and refused at check-in; past visits keep the name.',
            tags: HOSTS,
            params: idParams,
            body: hostPatchSchema,
            success: { schema: hostResponseSchema },
            errors: { ...adminOnly, 404: ['3404'] },
          }),
        },
        async (request): Promise<HostResponse> => ({
          success: true,
          data: ctx.hosts.change(hostNo(request.params.id), request.body),
        }),
      );

      // A host file is CSV text, read whole (at most 1 MiB) and parsed by host-import.ts. Its
      // parser lives in a scope of its own: the JSON endpoints beside it take JSON only.
      await admin.register(async (untypedImport) => {
        const importScope = untypedImport.withTypeProvider<ZodTypeProvider>();
        importScope.addContentTypeParser(
          ['text/csv', 'text/plain', 'application/csv', 'application/vnd.ms-excel'],
          { parseAs: 'buffer', bodyLimit: HOST_IMPORT_MAX_BYTES },
          (_request, body, done) => done(null, body),
        );
        importScope.post(
          '/visitees/import',
          {
            bodyLimit: HOST_IMPORT_MAX_BYTES,
            schema: routeSchema({
              summary: 'Import hosts from a CSV file',
              description:
                `Body \`text/csv\`, at most ${HOST_IMPORT_MAX_LABEL} and ${HOST_IMPORT_MAX_ROWS.toLocaleString('en')} rows: ` +
                'UTF-8 with or without BOM, comma or semicolon separated, RFC 4180 quoting; a header row naming ' +
                '`name` (required), `email`, `phone`, `department` in any order and case. A row whose email matches ' +
                'a host updates the columns the file has; others are added, all in one transaction. `dry_run=1` ' +
                'answers what would happen, row by row, and changes nothing; any other query parameter is refused.',
              tags: HOSTS,
              querystring: z.strictObject({ dry_run: z.enum(['0', '1']).optional() }),
              form: { schema: z.string().describe('The CSV text.'), types: ['text/csv'] },
              success: { schema: hostImportResponseSchema },
              errors: adminOnly,
            }),
          },
          async (request): Promise<HostImportResponse> => {
            if (!Buffer.isBuffer(request.body)) {
              throw new ApiError('2400', 'Send the host file as the request body, Content-Type: text/csv.', {
                field: 'file',
              });
            }
            return {
              success: true,
              data: ctx.hosts.importFile(request.body, { dryRun: request.query.dry_run === '1' }),
            };
          },
        );
      });

      siteAdminRoutes(untyped, ctx, peers);
      notificationAdminRoutes(untyped, ctx);
      checkinFlowAdminRoutes(untyped, ctx);

      // --- Privacy -------------------------------------------------------------------
      const PRIVACY = ['Privacy (admin)'];
      admin.post(
        '/visitors/:id/erase',
        {
          schema: routeSchema({
            summary: 'Erase a visitor',
            description:
              'Deletes the photo files and replaces name, mobile and purpose (name "Erased visitor"); card, host and ' +
              'times stay. Afterwards nothing of the old values is left in the data folder: database, WAL, search ' +
              'index, freed pages, migration backups, photo files. A second erasure removes nothing and is harmless.',
            tags: PRIVACY,
            params: idParams,
            body: eraseRequestSchema,
            success: { schema: eraseResponseSchema },
            errors: { ...adminOnly, 404: ['3404'] },
          }),
        },
        async (request): Promise<EraseResponse> => ({
          success: true,
          data: await ctx.erasure.erase(request.params.id, request.body.reason, request.userId!),
        }),
      );

      admin.get(
        '/audit',
        {
          schema: routeSchema({
            summary: 'The audit trail, newest first',
            description:
              'Every full-photo view, badge print, log export, erasure, evacuation start and close, staff or ' +
              'settings change, sign-in and failed sign-in, and the desk’s own purges. Append-only; entries name ' +
              'visitors by ID only. On a company server, `site_id` answers for one site’s trails; without it, ' +
              'for every site’s and the company server’s own, merged newest first (`account` then names a ' +
              'company account; with `site_id`, an account of that site).',
            tags: PRIVACY,
            querystring: auditQuerySchema,
            success: { schema: auditPageResponseSchema },
            errors: { ...adminOnly, 400: ['2400'], 404: ['3404'] },
          }),
        },
        async (request): Promise<AuditPageResponse> => {
          const { cursor, limit, from, to, account, site_id, ...filters } = request.query;
          const range = from || to ? dayRange(from, to) : undefined;
          // Desk IDs are each a site's own, so (time, desk, ID) orders every store's entries as one.
          // An account's number is its own store's: without site_id, a company server's own account.
          const stores = storesOf(ctx, sites, site_id);
          const rows = (account !== undefined && account !== 'system' ? stores.slice(0, 1) : stores)
            .flatMap((store) =>
              store.ctx.audit
                .page({
                  ...filters,
                  ...(account === 'system' ? { system: true } : account ? { user_id: Number(account) } : {}),
                  before: cursor === undefined ? undefined : parseAuditCursor(cursor),
                  limit: limit + 1,
                  ...(range ? { start: range.start, end: range.end } : {}),
                })
                .map((row) => ({ ...row, site_id: store.siteId })),
            )
            .sort((a, b) => b.time - a.time || byteOrder(b.desk_id, a.desk_id) || b.audit_id - a.audit_id);
          const page = rows.slice(0, limit);
          return {
            success: true,
            data: page.map((row) => ({
              audit_id: row.audit_id,
              time: formatLocalTime(row.time),
              // The system is told by the missing account, never by a name an account could take.
              ...(row.user_id === null
                ? { actor: 'system' as const, user_id: null, username: null }
                : { actor: 'account' as const, user_id: row.user_id, username: row.username }),
              action: row.action,
              visitor_id: row.visitor_id,
              detail: row.detail,
              desk_id: row.desk_id,
              ...(sites ? { site_id: row.site_id } : {}),
            })),
            next_cursor: rows.length > limit ? auditCursor(page.at(-1)!) : null,
          };
        },
      );

      // --- Settings ------------------------------------------------------------------
      const SETTINGS = ['Settings (admin)'];
      admin.get(
        '/settings',
        {
          schema: routeSchema({
            summary: 'The desk-wide settings',
            tags: SETTINGS,
            success: { schema: settingsResponseSchema },
            errors: adminOnly,
          }),
        },
        async (): Promise<SettingsResponse> => ({ success: true, data: ctx.settings.read() }),
      );
      admin.patch(
        '/settings',
        {
          schema: routeSchema({
            summary: 'Change any of the settings',
            description: 'A bad value is 2400 naming the setting, and nothing changes. Every change is audited.',
            tags: SETTINGS,
            body: settingsPatchSchema,
            success: { schema: settingsResponseSchema },
            errors: adminOnly,
          }),
        },
        async (request): Promise<SettingsResponse> => {
          const data = ctx.settings.update(request.body, request.userId!);
          // A shorter retention applies now, not at the next start or the next day.
          if (request.body.photo_retention_days !== undefined || request.body.visit_retention_days !== undefined) {
            void ctx.applyRetention().catch((error: unknown) => request.log.error({ err: error }, 'retention failed'));
          }
          return { success: true, data };
        },
      );
    },
    { prefix: '/v1/admin' },
  );
}
