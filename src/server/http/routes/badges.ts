import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { okResponseSchema } from '../../../shared/api-types';
import type { AppContext } from '../../context';
import { routeSchema } from '../openapi';

/** A printed badge carries a face: every print is on the audit trail (API contract Part 2). */
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
      ctx.visitors.badgePrinted(request.params.id, request.userId!);
      return { success: true as const };
    },
  );
}
