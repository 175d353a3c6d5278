import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { IMAGE_CONTENT_TYPES, visitorIdSchema } from '../../../shared/api-types';
import { ApiError } from '../../api-error';
import type { AppContext } from '../../context';
import type { CompanySites } from '../../company/company-sites';
import type { PhotoKind } from '../../photos/photo-store';
import { routeSchema } from '../openapi';
import { missingIdSchema, missingVisitorId } from './missing-id';

/**
 * A photo never changes under its visitor ID, so both sizes carry a strong ETag and may
 * be kept for a year, but only in the private cache of the signed-in client.
 */
const CACHE_CONTROL = 'private, max-age=31536000, immutable';

/** A signed URL is kept only as long as it is good: past that the desk holds a new one. */
function cacheControl(request: FastifyRequest): string {
  const seconds = request.signedUrlSecondsLeft;
  return seconds === undefined ? CACHE_CONTROL : `private, max-age=${seconds}, immutable`;
}
const TAGS = ['Photos'];
const params = z.object({ id: visitorIdSchema });
/** The signed URL's parts (security/thumb-urls.ts), checked by authentication before anything else. */
const thumbUrlQuery = z.object({
  k: z.string().optional().describe('Signed URL: the key ID. With `e` and `s`, instead of the token.'),
  e: z.string().optional().describe('Signed URL: expiry, UNIX seconds.'),
  s: z.string().optional().describe('Signed URL: the signature.'),
});

export function photoRoutes(app: FastifyInstance, ctx: AppContext, sites: CompanySites | undefined): void {
  /**
   * The visitor's photo and the store it is in: the server's own, or on a company server the
   * site's whose visitor it is (API contract Part 6), where a full view is audited as head
   * office's.
   */
  const photoOf = (visitorId: string, kind: PhotoKind) => {
    try {
      return { photo: ctx.photos.find(visitorId, kind), photos: ctx.photos, site: false };
    } catch (error) {
      const site = error instanceof ApiError && error.code === '3404' ? sites?.holding(visitorId) : undefined;
      if (!site) throw error;
      return { photo: site.ctx.photos.find(visitorId, kind), photos: site.ctx.photos, site: true };
    }
  };
  const serve =
    (kind: PhotoKind) =>
    async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Promise<FastifyReply> => {
      const { photo, photos, site } = photoOf(request.params.id, kind);
      reply.header('etag', photo.etag).header('cache-control', cacheControl(request)).header('vary', 'Authorization');
      const notModified = ifNoneMatch(request.headers['if-none-match'], photo.etag);
      // A HEAD shows no face.
      if (kind === 'original' && request.method !== 'HEAD') {
        const viewer = site ? { headOffice: ctx.repositories.users.byId(request.userId!)!.username } : request.userId!;
        photos.viewed(request.params.id, viewer, { fromCache: notModified });
      }
      if (notModified) return reply.code(304).send();
      reply.type(photo.contentType);
      if (kind === 'thumb') return reply.send(photos.read(photo));
      const { stream, size } = await photos.stream(photo);
      return reply.header('content-length', size).send(stream);
    };

  const photoSchema = (summary: string, media: readonly string[], querystring?: typeof thumbUrlQuery) =>
    routeSchema({
      ...(querystring ? { querystring } : {}),
      summary,
      description:
        'Strong ETag, If-None-Match answered with 304, `Cache-Control: private, max-age=31536000, immutable`.',
      tags: TAGS,
      params,
      success: { media },
      empty: { 304: 'Not modified: the ETag in If-None-Match is current.' },
      errors: { 404: ['3404', '4515'] },
    });

  app.get('/v1/photo', { schema: missingIdSchema(TAGS) }, missingVisitorId);
  app.get('/v1/photo/thumb', { schema: missingIdSchema(TAGS) }, missingVisitorId);
  app.get(
    '/v1/photo/:id',
    { schema: photoSchema('The full photo, as uploaded', Object.values(IMAGE_CONTENT_TYPES)) },
    serve('original'),
  );
  app.get(
    '/v1/photo/thumb/:id',
    {
      config: { auth: 'signed' },
      schema: photoSchema('The JPEG thumbnail', ['image/jpeg'], thumbUrlQuery),
    },
    serve('thumb'),
  );
}

function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header === '*' || header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}
