import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  noticeListQuerySchema,
  noticeListResponseSchema,
  noticeResponseSchema,
  testMessageResponseSchema,
  testMessageSchema,
  type NoticeListResponse,
  type TestMessageResponse,
} from '../../../shared/notifications';
import { ApiError } from '../../api-error';
import type { AppContext } from '../../context';
import { parseNumericId } from '../../ids';
import { routeSchema } from '../openapi';

const TAGS = ['Notifications (admin)'];
const adminOnly = { 403: ['1300' as const] };

/**
 * Administration → Notifications (API contract Part 4): registered in the admin scope
 * (admin.ts), whose rule lets admins only.
 */
export function notificationAdminRoutes(untyped: FastifyInstance, ctx: AppContext): void {
  const admin = untyped.withTypeProvider<ZodTypeProvider>();

  admin.get(
    '/notifications',
    {
      schema: routeSchema({
        summary: 'This desk’s notices, newest first',
        description: 'Arrival notices and invitations this desk wrote, 50 at a time; `status` filters them.',
        tags: TAGS,
        querystring: noticeListQuerySchema,
        success: { schema: noticeListResponseSchema },
        errors: adminOnly,
      }),
    },
    async (request): Promise<NoticeListResponse> => {
      const page = ctx.notify.list(request.query.status, request.query.cursor);
      return { success: true, data: page.notices, next_cursor: page.next };
    },
  );

  admin.post(
    '/notifications/test',
    {
      schema: routeSchema({
        summary: 'Send a test e-mail now',
        description:
          'Through the mail server set in smtp_url, without the outbox or retries: answers with what the server ' +
          'said, or why the desk could not reach it. 2409 when e-mail is not set up.',
        tags: TAGS,
        body: testMessageSchema,
        success: { schema: testMessageResponseSchema },
        errors: { ...adminOnly, 409: ['2409'] },
      }),
    },
    async (request): Promise<TestMessageResponse> => ({
      success: true,
      data: await ctx.notify.sendTest(request.body.to),
    }),
  );

  admin.post(
    '/notifications/:id/retry',
    {
      schema: routeSchema({
        summary: 'Send a notice again now',
        description:
          'A pending or failed notice is tried at once, with a new day of retries. 2409 for one already sent, or ' +
          'one whose visitor was erased.',
        tags: TAGS,
        params: z.object({ id: z.string() }),
        success: { schema: noticeResponseSchema },
        errors: { ...adminOnly, 404: ['3404'], 409: ['2409'] },
      }),
    },
    async (request) => {
      const id = parseNumericId(request.params.id);
      if (id === undefined) throw new ApiError('3404', 'There is no notice with that ID.');
      return { success: true as const, data: ctx.notify.retryNow(id, request.userId!) };
    },
  );
}
