import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  agreementListResponseSchema,
  agreementPatchSchema,
  agreementResponseSchema,
  newAgreementSchema,
  type AgreementListResponse,
  type AgreementResponse,
} from '../../../shared/agreements';
import { okResponseSchema } from '../../../shared/api-types';
import {
  visitorTypeFieldsSchema,
  visitorTypePatchSchema,
  visitorTypeResponseSchema,
  type VisitorTypeResponse,
} from '../../../shared/visitor-types';
import {
  watchEntryFieldsSchema,
  watchEntryPatchSchema,
  watchEntryResponseSchema,
  watchListResponseSchema,
  type WatchEntryResponse,
  type WatchListResponse,
} from '../../../shared/watchlist';
import type { AppContext } from '../../context';
import { routeSchema } from '../openapi';
import { numericParam } from './checkin-flows';

const adminOnly = { 403: ['1300' as const] };
const idParams = z.object({ id: z.string() });

/**
 * Administration → Visitor types, Agreements, Watchlist (API contract Part 5): registered in
 * the admin scope (admin.ts), whose rule lets admins only.
 */
export function checkinFlowAdminRoutes(untyped: FastifyInstance, ctx: AppContext): void {
  const admin = untyped.withTypeProvider<ZodTypeProvider>();

  // --- Visitor types -----------------------------------------------------------------
  const TYPES = ['Visitor types (admin)'];
  admin.post(
    '/visitor-types',
    {
      schema: routeSchema({
        summary: 'Add a visitor type',
        description: '2409 when another type has the name; 3404 when the agreement does not exist.',
        tags: TYPES,
        body: visitorTypeFieldsSchema,
        success: { status: 201, schema: visitorTypeResponseSchema },
        errors: { ...adminOnly, 404: ['3404'], 409: ['2409'] },
      }),
    },
    async (request, reply): Promise<VisitorTypeResponse> => {
      reply.code(201);
      return { success: true, data: ctx.types.create(request.body, request.userId!) };
    },
  );

  admin.patch(
    '/visitor-types/:id',
    {
      schema: routeSchema({
        summary: 'Change a visitor type: any field, and `active`',
        description:
          'A type is never removed: `active: false` stops it being offered, and its visitors keep it. Type 1 ' +
          '(what a check-in without `type_id` gets) stays active (2409).',
        tags: TYPES,
        params: idParams,
        body: visitorTypePatchSchema,
        success: { schema: visitorTypeResponseSchema },
        errors: { ...adminOnly, 404: ['3404'], 409: ['2409'] },
      }),
    },
    async (request): Promise<VisitorTypeResponse> => ({
      success: true,
      data: ctx.types.change(numericParam(request.params.id, 'visitor type'), request.body, request.userId!),
    }),
  );

  admin.delete(
    '/visitor-types/:id',
    {
      schema: routeSchema({
        summary: 'Retire a visitor type (a Frontdesk addition)',
        description: 'The same as PATCH with `active: false`: visitors of the type keep it.',
        tags: TYPES,
        params: idParams,
        success: { schema: visitorTypeResponseSchema },
        errors: { ...adminOnly, 404: ['3404'], 409: ['2409'] },
      }),
    },
    async (request): Promise<VisitorTypeResponse> => ({
      success: true,
      data: ctx.types.change(numericParam(request.params.id, 'visitor type'), { active: false }, request.userId!),
    }),
  );

  // --- Agreements --------------------------------------------------------------------
  const AGREEMENTS = ['Agreements (admin)'];
  admin.get(
    '/agreements',
    {
      schema: routeSchema({
        summary: 'Every agreement at its current version',
        tags: AGREEMENTS,
        success: { schema: agreementListResponseSchema },
        errors: adminOnly,
      }),
    },
    async (): Promise<AgreementListResponse> => ({ success: true, data: ctx.agreements.all() }),
  );

  admin.get(
    '/agreements/:id/versions',
    {
      schema: routeSchema({
        summary: 'Every version of an agreement, oldest first (a Frontdesk addition)',
        tags: AGREEMENTS,
        params: idParams,
        success: { schema: agreementListResponseSchema },
        errors: { ...adminOnly, 404: ['3404'] },
      }),
    },
    async (request): Promise<AgreementListResponse> => ({
      success: true,
      data: ctx.agreements.versions(numericParam(request.params.id, 'agreement')),
    }),
  );

  admin.post(
    '/agreements',
    {
      schema: routeSchema({
        summary: 'Add an agreement (version 1)',
        description: '`text` is Markdown; headings, lists, emphasis and links are laid out, nothing runs.',
        tags: AGREEMENTS,
        body: newAgreementSchema,
        success: { status: 201, schema: agreementResponseSchema },
        errors: adminOnly,
      }),
    },
    async (request, reply): Promise<AgreementResponse> => {
      reply.code(201);
      return { success: true, data: ctx.agreements.create(request.body, request.userId!) };
    },
  );

  admin.patch(
    '/agreements/:id',
    {
      schema: routeSchema({
        summary: 'Change an agreement: its next version',
        description:
          'A version once made never changes. Sending the current title and text makes no version. An agreement ' +
          'keeps at most 100 versions (2409 then: add a new agreement).',
        tags: AGREEMENTS,
        params: idParams,
        body: agreementPatchSchema,
        success: { schema: agreementResponseSchema },
        errors: { ...adminOnly, 404: ['3404'], 409: ['2409'] },
      }),
    },
    async (request): Promise<AgreementResponse> => ({
      success: true,
      data: ctx.agreements.change(numericParam(request.params.id, 'agreement'), request.body, request.userId!),
    }),
  );

  // --- Watchlist ---------------------------------------------------------------------
  const WATCHLIST = ['Watchlist (admin)'];
  admin.get(
    '/watchlist',
    {
      schema: routeSchema({
        summary: 'The watchlist',
        tags: WATCHLIST,
        success: { schema: watchListResponseSchema },
        errors: adminOnly,
      }),
    },
    async (): Promise<WatchListResponse> => ({ success: true, data: ctx.watchlist.all() }),
  );

  admin.post(
    '/watchlist',
    {
      schema: routeSchema({
        summary: 'Add a watchlist entry',
        description: 'Audited by the entry’s number, never the name.',
        tags: WATCHLIST,
        body: watchEntryFieldsSchema,
        success: { status: 201, schema: watchEntryResponseSchema },
        errors: adminOnly,
      }),
    },
    async (request, reply): Promise<WatchEntryResponse> => {
      reply.code(201);
      return { success: true, data: ctx.watchlist.create(request.body, request.userId!) };
    },
  );

  admin.patch(
    '/watchlist/:id',
    {
      schema: routeSchema({
        summary: 'Change a watchlist entry',
        tags: WATCHLIST,
        params: idParams,
        body: watchEntryPatchSchema,
        success: { schema: watchEntryResponseSchema },
        errors: { ...adminOnly, 404: ['3404'] },
      }),
    },
    async (request): Promise<WatchEntryResponse> => ({
      success: true,
      data: ctx.watchlist.change(numericParam(request.params.id, 'watchlist entry'), request.body, request.userId!),
    }),
  );

  admin.delete(
    '/watchlist/:id',
    {
      schema: routeSchema({
        summary: 'Remove a watchlist entry',
        description: 'Nothing of the person stays: the entry keeps only its number and when it was removed.',
        tags: WATCHLIST,
        params: idParams,
        success: { schema: okResponseSchema },
        errors: { ...adminOnly, 404: ['3404'] },
      }),
    },
    async (request) => {
      ctx.watchlist.remove(numericParam(request.params.id, 'watchlist entry'), request.userId!);
      return { success: true as const };
    },
  );
}
