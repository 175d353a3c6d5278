import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  LOG_PAGE_DEFAULT,
  LOG_PAGE_MAX,
  type AddVisitorResponse,
  type VisiteeListResponse,
  type VisitorListResponse,
  type VisitorLogResponse,
} from '../../../shared/api-types';
import { checkCheckInFields, IMAGE_MAX_BYTES } from '../../../shared/visitor-fields';
import { ApiError } from '../../api-error';
import type { AppContext } from '../../context';
import { readForm } from '../form';
import { missingVisitorId } from './missing-id';

const logQuerySchema = z.object({
  q: z.string().max(100, 'Search text must be at most 100 characters.').optional(),
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(LOG_PAGE_MAX).default(LOG_PAGE_DEFAULT),
  on_site: z
    .enum(['0', '1'])
    .optional()
    .transform((value) => value === '1'),
});

/** The photo's limit plus room for the text fields and the multipart framing. */
const ADD_BODY_MAX = IMAGE_MAX_BYTES + 64 * 1024;

/** A body that announces more than a check-in can be is refused before a byte of it is read. */
async function refuseOversizedBody(request: FastifyRequest): Promise<void> {
  if (Number(request.headers['content-length'] ?? 0) > ADD_BODY_MAX) {
    throw new ApiError('2400', 'The request is larger than a check-in can be (the image may be at most 5 MiB).', {
      status: 413,
    });
  }
}

export function visitorRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post(
    '/v1/add',
    { config: { auth: 'form' }, onRequest: refuseOversizedBody },
    async (request): Promise<AddVisitorResponse> => {
      const { fields, image } = await readForm(request, { image: true, authenticate: ctx.auth.authenticate });
      const checked = checkCheckInFields(fields);
      if (!checked.ok) {
        const first = checked.problems[0]!;
        throw new ApiError(first.code, first.message, { field: first.field });
      }
      if (!image) throw new ApiError('2200', 'image is required.', { field: 'image' });
      const visitorId = await ctx.visitors.checkIn(checked.value, image, request.userId!);
      return { success: true, visitor_id: visitorId };
    },
  );

  app.get('/v1/get', async (): Promise<VisitorListResponse> => ({ success: true, data: ctx.visitors.onSite() }));

  app.get('/v1/get/visitee', async (): Promise<VisiteeListResponse> => ({
    success: true,
    data: ctx.visitors.visitees(),
  }));

  app.get<{ Params: { id: string } }>('/v1/get/:id', async (request): Promise<VisitorListResponse> => ({
    success: true,
    data: [ctx.visitors.onSiteVisitor(request.params.id)],
  }));

  app.route({ method: ['GET', 'POST'], url: '/v1/exit', handler: missingVisitorId });
  app.route<{ Params: { id: string } }>({
    method: ['GET', 'POST'],
    url: '/v1/exit/:id',
    handler: async (request) => {
      ctx.visitors.recordExit(request.params.id);
      return { success: true };
    },
  });

  // Frontdesk's addition: everyone, newest first, with cursor pagination and search.
  app.get('/v1/log', async (request): Promise<VisitorLogResponse> => {
    const parsed = logQuerySchema.safeParse(request.query);
    if (!parsed.success) throw new ApiError('2400', parsed.error.issues[0]?.message);
    const page = ctx.visitors.log(parsed.data);
    return {
      success: true,
      data: page.visitors,
      next_cursor: page.nextCursor,
      ...(page.onSiteCount === undefined ? {} : { on_site_count: page.onSiteCount }),
    };
  });
}
