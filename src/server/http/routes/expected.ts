import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addDays, localDateSchema, parseLocalDate } from '../../../shared/dates';
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
import { invitationQr } from '../../notify/outbox';
import { routeSchema } from '../openapi';

const TAGS = ['Expected visitors'];
const EXPECTED_RANGE_MAX_DAYS = 62;

const expectedQuerySchema = z
  .object({
    date: localDateSchema('date').optional(),
    from: localDateSchema('from').optional(),
    to: localDateSchema('to').optional(),
  })
  .refine((query) => !query.date || (!query.from && !query.to), {
    message: 'Give either date, or from and to.',
    path: ['date'],
  })
  .refine((query) => !query.from === !query.to, { message: 'from and to go together.', path: ['from'] })
  .refine(
    (query) =>
      !query.from ||
      !query.to ||
      // A day that is not a real one has its own message from its field's check.
      !parseLocalDate(query.from) ||
      !parseLocalDate(query.to) ||
      (query.from <= query.to &&
        addDays(parseLocalDate(query.from)!, EXPECTED_RANGE_MAX_DAYS) > parseLocalDate(query.to)!),
    { message: `from must be on or before to, and at most ${EXPECTED_RANGE_MAX_DAYS} days before it.`, path: ['from'] },
  );

/** Visits announced in advance (API contract Part 2). Any signed-in staff member. */
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
        description:
          'Default: today. `from` and `to` (a Frontdesk addition) give the days between them instead, at most ' +
          `${EXPECTED_RANGE_MAX_DAYS} days. Ordered by day, time due, name. Arrived visits carry the visitor_id ` +
          'of their check-in; no-shows stay listed.',
        tags: TAGS,
        querystring: expectedQuerySchema,
        success: { schema: expectedListResponseSchema },
      }),
    },
    async (request): Promise<ExpectedListResponse> => ({
      success: true,
      data: ctx.expected.list(request.query),
    }),
  );

  app.get(
    '/v1/expected/by-token/:token',
    {
      schema: routeSchema({
        summary: 'The expected visit of an invitation’s QR code',
        description:
          'What the desk’s Scan invitation reads. 3404 for a token no visit has; 2409, in words, for a visit ' +
          'cancelled, already arrived, or for another day.',
        tags: TAGS,
        params: z.object({ token: z.string() }),
        success: { schema: expectedResponseSchema },
        errors: { 404: ['3404'], 409: ['2409'] },
      }),
    },
    async (request): Promise<ExpectedResponse> => ({ success: true, data: ctx.expected.byToken(request.params.token) }),
  );

  app.get(
    '/v1/expected/:id/qr.png',
    {
      schema: routeSchema({
        summary: 'The QR code of an expected visit’s invitation',
        description: 'The same code its invitation carries (for printing or re-sending): the token alone.',
        tags: TAGS,
        params: z.object({ id: z.string() }),
        success: { media: ['image/png'] },
        errors: { 404: ['3404'], 409: ['2409'] },
      }),
    },
    async (request, reply) => {
      const id = parseNumericId(request.params.id);
      if (id === undefined) throw new ApiError('3404', 'There is no expected visit with that ID.');
      const png = await invitationQr(ctx.expected.tokenOf(id));
      return reply.type('image/png').header('cache-control', 'private, no-store').send(png);
    },
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
