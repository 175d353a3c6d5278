import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { okResponseSchema } from '../../../shared/api-types';
import { ApiError } from '../../api-error';
import type { AppContext } from '../../context';
import { isVisitorId } from '../../ids';
import { routeSchema } from '../openapi';

/** A printed badge carries a face: every print is on the audit trail (shared/API.md Part 2). */
export function badgeRoutes(untyped: FastifyInstance, ctx: AppContext): void {
  const app = untyped.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/v1/badges/:id',
    {
      schema: routeSchema({
        summary: 'Record that a visitor’s badge was printed',
        tags: ['Badges'],
        params: z.object({ id: z.string() }),
        success: { schema: okResponseSchema },
        errors: { 404: ['3404'] },
      }),
    },
    async (request) => {
      const visitorId = request.params.id;
      const visitor = isVisitorId(visitorId) ? ctx.repositories.visitors.byId(visitorId) : undefined;
      // An erased visitor has no name or face left to put on a badge.
      if (!visitor || visitor.erased_at !== null) throw new ApiError('3404', 'There is no visitor with that ID.');
      ctx.audit.record({ action: 'badge.print', userId: request.userId!, visitorId });
      return { success: true as const };
    },
  );
}
