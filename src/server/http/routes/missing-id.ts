import type { FastifySchema } from 'fastify';
import { ApiError } from '../../api-error';
import { routeSchema } from '../openapi';

/** The handler of `/v1/exit/`, `/v1/photo/` and `/v1/photo/thumb/` without an ID: 3100. */
export async function missingVisitorId(): Promise<never> {
  throw new ApiError('3100', 'The visitor ID is missing from the path.');
}

export function missingIdSchema(tags: readonly string[]): FastifySchema {
  return routeSchema({
    summary: 'Without a visitor ID: always 3100',
    tags,
    errors: { 400: ['3100'] },
  });
}
