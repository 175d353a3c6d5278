import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { localDateSchema } from '../../../shared/dates';
import {
  expectedListResponseSchema,
  expectedResponseSchema,
  newExpectedSchema,
  type ExpectedListResponse,
  type ExpectedResponse,
} from '../../../shared/expected';
import { ApiError } from '../../api-error';
import type { AppContext } from '../../context';
import { parseNumericId } from '../../ids';
import { routeSchema } from '../openapi';

const TAGS = ['Expected visitors'];

/** Visits announced in advance (shared/API.md Part 2). Any signed-in staff member. */
export function expectedRoutes(untyped: FastifyInstance, ctx: AppContext): void {
  const app = untyped.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/v1/expected',
    {
      schema: routeSchema({
        summary: 'Expect a visitor',
        tags: TAGS,
        body: newExpectedSchema,
        success: { status: 201, schema: expectedResponseSchema },
        errors: { 404: ['3404'] },
      }),
    },
    async (request, reply): Promise<ExpectedResponse> => {
      reply.code(201);
      return { success: true, data: ctx.expected.create(request.body, request.userId!) };
    },
  );

  app.get(
    '/v1/expected',
    {
      schema: routeSchema({
        summary: "A day's expected visits, every status",
        description: 'Default: today. Arrived visits carry the visitor_id of their check-in; no-shows stay listed.',
        tags: TAGS,
        querystring: z.object({ date: localDateSchema('date').optional() }),
        success: { schema: expectedListResponseSchema },
      }),
    },
    async (request): Promise<ExpectedListResponse> => ({
      success: true,
      data: ctx.expected.onDate(request.query.date),
    }),
  );

  app.delete(
    '/v1/expected/:id',
    {
      schema: routeSchema({
        summary: 'Cancel an expected visit',
        description: '2409 if it has already arrived or been cancelled.',
        tags: TAGS,
        params: z.object({ id: z.string() }),
        success: { schema: expectedResponseSchema },
        errors: { 404: ['3404'], 409: ['2409'] },
      }),
    },
    async (request): Promise<ExpectedResponse> => {
      const id = parseNumericId(request.params.id);
      if (id === undefined) throw new ApiError('3404', 'There is no expected visit with that ID.');
      return { success: true, data: ctx.expected.cancel(id) };
    },
  );
}
