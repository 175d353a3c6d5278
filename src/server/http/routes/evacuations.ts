import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  evacuationListResponseSchema,
  evacuationResponseSchema,
  startEvacuationSchema,
  type Evacuation,
  type EvacuationListResponse,
  type EvacuationResponse,
} from '../../../shared/evacuation';
import { ApiError } from '../../api-error';
import type { AppContext } from '../../context';
import type { CompanySites } from '../../company/company-sites';
import { fromEachStore, ofSite, siteQuerySchema, storesOf, type Scoped } from '../site-scope';
import { isVisitorId, parseNumericId } from '../../ids';
import { routeSchema } from '../openapi';

const TAGS = ['Evacuation'];

function evacuationId(text: string): number {
  const id = parseNumericId(text);
  if (id === undefined) throw new ApiError('3404', 'There is no evacuation with that ID.');
  return id;
}

/** The roll call (API contract Part 2): any signed-in staff member. */
export function evacuationRoutes(untyped: FastifyInstance, ctx: AppContext, sites: CompanySites | undefined): void {
  const app = untyped.withTypeProvider<ZodTypeProvider>();
  const one = z.object({ id: z.string() });
  const person = z.object({ id: z.string(), visitor_id: z.string() });

  app.post(
    '/v1/evacuations',
    {
      schema: routeSchema({
        summary: 'Start an evacuation: freeze everyone on the premises as the roll',
        description: '2409 while another is open (its ID in the message). Nobody on site gives an empty roll.',
        tags: TAGS,
        body: startEvacuationSchema,
        success: { status: 201, schema: evacuationResponseSchema },
        errors: { 409: ['2409'] },
      }),
    },
    async (request, reply): Promise<EvacuationResponse> => {
      reply.code(201);
      return { success: true, data: ctx.evacuations.start(request.body.kind, request.userId!) };
    },
  );

  app.get(
    '/v1/evacuations',
    {
      schema: routeSchema({
        summary: 'Evacuations, newest first, with their counts',
        description: 'On a company server, `site_id` answers for one site; without it, for every site.',
        tags: TAGS,
        querystring: siteQuerySchema,
        success: { schema: evacuationListResponseSchema },
        errors: { 400: ['2400'], 404: ['3404'] },
      }),
    },
    async (request): Promise<EvacuationListResponse> => ({
      success: true,
      data: fromEachStore(
        storesOf(ctx, sites, request.query.site_id),
        sites,
        (store) => store.evacuations.list(),
        (a, b) => b.started_time.localeCompare(a.started_time),
      ),
    }),
  );

  app.get(
    '/v1/evacuations/:id',
    {
      schema: routeSchema({
        summary: 'One evacuation with its roll',
        description: 'On a company server, a site’s roll with that site’s `site_id` (its IDs are the site’s own).',
        tags: TAGS,
        params: one,
        querystring: siteQuerySchema,
        success: { schema: evacuationResponseSchema },
        errors: { 400: ['2400'], 404: ['3404'] },
      }),
    },
    async (request): Promise<EvacuationResponse> => {
      const [store] = storesOf(ctx, sites, request.query.site_id) as [Scoped];
      const [roll] = ofSite([store.ctx.evacuations.get(evacuationId(request.params.id))], store.siteId, sites) as [
        Evacuation,
      ];
      // Their faces are asked for next, from this site's store.
      return { success: true, data: { ...roll, people: ofSite(roll.people, store.siteId, sites) } };
    },
  );

  app.route({
    method: ['POST', 'DELETE'],
    url: '/v1/evacuations/:id/accounted/:visitor_id',
    schema: routeSchema({
      summary: 'Mark a person safe (POST) or undo it (DELETE)',
      description: '3404 if the person is not on that roll; 2409 once the roll is closed.',
      tags: TAGS,
      params: person,
      success: { schema: evacuationResponseSchema },
      errors: { 404: ['3404'], 409: ['2409'] },
    }),
    handler: async (request): Promise<EvacuationResponse> => {
      const { id, visitor_id: visitorId } = request.params;
      const evacuation = evacuationId(id);
      if (!isVisitorId(visitorId)) throw new ApiError('3404', 'That person is not on this roll.');
      return {
        success: true,
        data: ctx.evacuations.mark(evacuation, visitorId, request.method === 'POST', request.userId!),
      };
    },
  });

  app.post(
    '/v1/evacuations/:id/close',
    {
      schema: routeSchema({
        summary: 'Close the roll call: it becomes the report',
        tags: TAGS,
        params: one,
        success: { schema: evacuationResponseSchema },
        errors: { 404: ['3404'], 409: ['2409'] },
      }),
    },
    async (request): Promise<EvacuationResponse> => ({
      success: true,
      data: ctx.evacuations.close(evacuationId(request.params.id), request.userId!),
    }),
  );
}
