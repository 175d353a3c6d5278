import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { visitorIdSchema } from '../../../shared/api-types';
import { agreementResponseSchema, type AgreementResponse } from '../../../shared/agreements';
import { returningQuerySchema, returningResponseSchema, type ReturningResponse } from '../../../shared/returning';
import { visitorTypeListResponseSchema, type VisitorTypeListResponse } from '../../../shared/visitor-types';
import { ApiError } from '../../api-error';
import type { AppContext } from '../../context';
import { parseNumericId } from '../../ids';
import { routeSchema } from '../openapi';

const TAGS = ['Check-in flows'];

/** A numeric ID from the path, 3404 when it cannot name anything. */
export function numericParam(id: string, what: string): number {
  const value = parseNumericId(id);
  if (value === undefined) throw new ApiError('3404', `There is no ${what} with that number.`);
  return value;
}

/** What any staff account reads of API contract Part 5: types, agreements, returning visitors, signed copies. */
export function checkinFlowRoutes(untyped: FastifyInstance, ctx: AppContext): void {
  const app = untyped.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/v1/visitor-types',
    {
      schema: routeSchema({
        summary: 'Visitor types, inactive ones too',
        description: 'Check-in offers the active ones; History and the log show any visitor’s type.',
        tags: TAGS,
        success: { schema: visitorTypeListResponseSchema },
      }),
    },
    async (): Promise<VisitorTypeListResponse> => ({ success: true, data: ctx.types.all() }),
  );

  app.get(
    '/v1/agreements/:id',
    {
      schema: routeSchema({
        summary: 'An agreement at its current version',
        tags: TAGS,
        params: z.object({ id: z.string() }),
        success: { schema: agreementResponseSchema },
        errors: { 404: ['3404'] },
      }),
    },
    async (request): Promise<AgreementResponse> => ({
      success: true,
      data: ctx.agreements.current(numericParam(request.params.id, 'agreement')),
    }),
  );

  app.get(
    '/v1/returning',
    {
      schema: routeSchema({
        summary: 'Earlier visitors whose name, mobile or e-mail starts with `q`',
        description:
          'Up to 10 people, latest visit first, each once (by name and mobile); erased visitors never. Words ' +
          'match the starts of words of the name ("jo sm" finds John Smith), digits the start of the mobile, ' +
          'and text with an @ the start of the address an invitation went to.',
        tags: TAGS,
        querystring: returningQuerySchema,
        success: { schema: returningResponseSchema },
      }),
    },
    async (request): Promise<ReturningResponse> => ({ success: true, data: ctx.returning(request.query.q) }),
  );

  app.get(
    '/v1/visitors/:id/agreement.pdf',
    {
      schema: routeSchema({
        summary: 'A visitor’s signed agreement, as a PDF',
        description: 'The text as signed, its version and SHA-256, the name, the time and the signature. Audited.',
        tags: TAGS,
        params: z.object({ id: visitorIdSchema }),
        success: { media: ['application/pdf'] },
        errors: { 404: ['3404'] },
      }),
    },
    async (request, reply) => {
      const pdf = await ctx.agreements.signedCopy(request.params.id, request.userId!, {
        audited: request.method !== 'HEAD',
      });
      return reply
        .type('application/pdf')
        .header('cache-control', 'no-store')
        .header('content-disposition', 'inline; filename="agreement.pdf"')
        .send(pdf);
    },
  );
}
