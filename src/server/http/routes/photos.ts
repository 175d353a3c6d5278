import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context';
import type { PhotoKind } from '../../photos/photo-store';
import { missingVisitorId } from './missing-id';

/**
 * A photo never changes under its visitor ID, so both sizes carry a strong ETag and may
 * be kept for a year, but only in the private cache of the signed-in client.
 */
const CACHE_CONTROL = 'private, max-age=31536000, immutable';

export function photoRoutes(app: FastifyInstance, ctx: AppContext): void {
  const serve =
    (kind: PhotoKind) =>
    async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Promise<FastifyReply> => {
      const photo = ctx.photos.find(request.params.id, kind);
      reply.header('etag', photo.etag).header('cache-control', CACHE_CONTROL).header('vary', 'Authorization');
      if (ifNoneMatch(request.headers['if-none-match'], photo.etag)) return reply.code(304).send();
      reply.type(photo.contentType);
      if (kind === 'thumb') return reply.send(await ctx.photos.read(photo));
      const { stream, size } = await ctx.photos.stream(photo);
      return reply.header('content-length', size).send(stream);
    };

  app.get('/v1/photo', missingVisitorId);
  app.get('/v1/photo/thumb', missingVisitorId);
  app.get('/v1/photo/:id', serve('original'));
  app.get('/v1/photo/thumb/:id', serve('thumb'));
}

function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header === '*' || header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}
