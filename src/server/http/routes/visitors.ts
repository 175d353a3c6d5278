import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  addVisitorResponseSchema,
  IMAGE_FORMATS_LABEL,
  LOG_PAGE_DEFAULT,
  LOG_PAGE_MAX,
  okResponseSchema,
  visiteeListResponseSchema,
  visitorIdSchema,
  visitorListResponseSchema,
  visitorLogResponseSchema,
  visitorResponseSchema,
  nextCardResponseSchema,
  type AddVisitorResponse,
  type NextCardResponse,
  type VisitorResponse,
  type VisiteeListResponse,
  type VisitorListResponse,
  type VisitorLogResponse,
} from '../../../shared/api-types';
import {
  checkCheckInFields,
  checkCorrection,
  checkInFieldsSchema,
  visitorCorrectionSchema,
  IMAGE_MAX_BYTES,
  IMAGE_MAX_LABEL,
} from '../../../shared/visitor-fields';
import { localDateSchema } from '../../../shared/dates';
import { SIGNATURE_MAX_LABEL } from '../../../shared/agreements';
import { WATCHLIST_NOTE_MAX, watchlistNoteSchema } from '../../../shared/watchlist';
import { ApiError } from '../../api-error';
import type { AppContext } from '../../context';
import type { CompanySites } from '../../company/company-sites';
import { mergedLog } from '../../company/merged-log';
import { firstFound, fromEachStore, ofSite, siteQuerySchema, storesOf, type Scoped } from '../site-scope';
import { parseNumericId } from '../../ids';
import { EXPORT_COLUMNS, exportCsv, SITE_EXPORT_COLUMNS } from '../../services/log-export';
import { mergedExport } from '../../company/merged-export';
import { discardPhoto, photoSlot, type PhotoSlot } from '../../media/photo-memory';
import type { RequestTimeouts } from '../node-server';
import { readForm, type SubmittedForm } from '../form';
import { routeSchema } from '../openapi';
import { missingIdSchema, missingVisitorId } from './missing-id';

const logFilterSchema = z
  .object({
    q: z.string().max(100, 'Search text must be at most 100 characters.').optional(),
    from: localDateSchema('from').optional().describe('First day, YYYY-MM-DD, by entry date (inclusive).'),
    to: localDateSchema('to').optional().describe('Last day, YYYY-MM-DD, by entry date (inclusive).'),
    type_id: z.coerce
      .number({ error: 'type_id must be a visitor type’s number.' })
      .int('type_id must be a visitor type’s number.')
      .positive('type_id must be a visitor type’s number.')
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .describe('Only visitors of this type (GET /v1/visitor-types/).'),
  })
  .refine((query) => !query.from || !query.to || query.from <= query.to, {
    message: 'from must be on or before to.',
    path: ['from'],
  });

const logQuerySchema = logFilterSchema.and(siteQuerySchema).and(
  z.object({
    // A company server's merged cursor keeps a place in every site (company/merged-log.ts).
    cursor: z.string().max(16_384).optional(),
    limit: z.coerce.number().int().min(1).max(LOG_PAGE_MAX).default(LOG_PAGE_DEFAULT),
    on_site: z
      .enum(['0', '1'])
      .optional()
      .transform((value) => value === '1'),
  }),
);

const checkInFormSchema = checkInFieldsSchema.extend({
  image: z
    .string()
    .describe(`The photo: ${IMAGE_FORMATS_LABEL} by content, at most ${IMAGE_MAX_LABEL}.`)
    .meta({ format: 'binary' }),
  access_token: z.string().optional().describe('The token, for clients that cannot send the Authorization header.'),
  expected_id: z.string().optional().describe('The expected visit this check-in fulfils: it is marked arrived.'),
  type_id: z.string().optional().describe('Their visitor type (GET /v1/visitor-types/); default 1, `Visitor`.'),
  signature: z
    .string()
    .optional()
    .describe(`For a type with an agreement: the signature drawn on the desk, a PNG of at most ${SIGNATURE_MAX_LABEL}.`)
    .meta({ format: 'binary' }),
  agreement_version: z
    .string()
    .optional()
    .describe('For a type with an agreement: the version the visitor read (2409 if it is no longer current).'),
  returning_id: z
    .string()
    .optional()
    .describe(
      'A returning visitor’s earlier visit (GET /v1/returning/): when they signed the current version before, no signature is needed.',
    ),
  override_watchlist: z
    .enum(['true', 'false'])
    .optional()
    .describe('Admins only: let in a person the watchlist stops (2451), with `watchlist_note`. Audited.'),
  watchlist_note: z.string().optional().describe(`Why the person is let in, at most ${WATCHLIST_NOTE_MAX} characters.`),
});

const params = z.object({ id: visitorIdSchema });

/** A numeric ID field of the form: undefined when absent, 3404 when it cannot name anything. */
function optionalNumber(fields: Record<string, string>, field: string, notFound: string): number | undefined {
  if (fields[field] === undefined) return undefined;
  const id = parseNumericId(fields[field]);
  if (id === undefined) throw new ApiError('3404', notFound, { field });
  return id;
}

/** The photo's limit plus room for the text fields and the multipart framing. */
const ADD_BODY_MAX = IMAGE_MAX_BYTES + 64 * 1024;

/**
 * A body that announces more than a check-in can be is refused before a byte of it is
 * read: with 1190 when no token came in the header (the token is decided before anything
 * in the body, and this body will never be read for its access_token field).
 */
async function refuseOversizedBody(request: FastifyRequest): Promise<void> {
  if (Number(request.headers['content-length'] ?? 0) > ADD_BODY_MAX) {
    if (request.userId === undefined) throw new ApiError('1190');
    throw new ApiError(
      '2400',
      `The request is larger than a check-in can be (the image may be at most ${IMAGE_MAX_LABEL}).`,
      {
        status: 413,
      },
    );
  }
}

export function visitorRoutes(
  untyped: FastifyInstance,
  ctx: AppContext,
  timeouts: RequestTimeouts,
  sites: CompanySites | undefined,
): void {
  const app = untyped.withTypeProvider<ZodTypeProvider>();
  const TAGS = ['Visitors'];

  app.post(
    '/v1/add',
    {
      config: { auth: 'form' },
      onRequest: refuseOversizedBody,
      schema: routeSchema({
        summary: 'Check a visitor in',
        description:
          'The token comes in the Authorization header or, for old clients, as the form field `access_token` ' +
          'before the image part. 5501 with Retry-After when the kiosk is busy decoding other photos.',
        tags: TAGS,
        auth: 'form',
        form: { schema: checkInFormSchema, types: ['multipart/form-data'] },
        success: { schema: addVisitorResponseSchema },
        errors: { 400: ['2200', '2301', '2302', '2303', '2400'], 403: ['1300'], 404: ['3404'], 409: ['2409', '2451'] },
      }),
    },
    async (request): Promise<AddVisitorResponse> => {
      const slot = photoSlot(timeouts.photoWaitMs);
      // A client that goes away while it waits for a turn gives its place up at once.
      const socket = request.raw.socket;
      socket.once('close', slot.abandon);
      try {
        return await checkInFromForm(request, slot);
      } finally {
        socket.off('close', slot.abandon);
        slot.release();
      }
    },
  );

  /** An admin's override of the watchlist (API contract Part 5): with a note, and only by an admin. */
  function watchlistOverride(fields: Record<string, string>, userId: number): { note: string } | undefined {
    if (fields.override_watchlist !== undefined && !['true', 'false'].includes(fields.override_watchlist)) {
      throw new ApiError('2400', 'override_watchlist must be true or false.', { field: 'override_watchlist' });
    }
    if (fields.override_watchlist !== 'true') return undefined;
    if (ctx.auth.roleOf(userId) !== 'admin') {
      throw new ApiError('1300', 'Only an administrator can let in a person the watchlist stops.');
    }
    if (fields.watchlist_note === undefined) {
      throw new ApiError('2200', 'watchlist_note is required: say why the person is let in.', {
        field: 'watchlist_note',
      });
    }
    const note = watchlistNoteSchema.safeParse(fields.watchlist_note);
    if (!note.success) throw new ApiError('2400', note.error.issues[0]!.message, { field: 'watchlist_note' });
    return { note: note.data };
  }

  async function checkInFromForm(request: FastifyRequest, slot: PhotoSlot): Promise<AddVisitorResponse> {
    const form = await readForm(request, {
      image: true,
      signature: true,
      authenticate: ctx.auth.authenticate,
      beforeImage: slot.acquire,
      imageArrivalMs: timeouts.photoArrivalMs,
    });
    try {
      return await checkInWith(request, form);
    } finally {
      // The photo is on disk, or refused: its memory goes now, not at the next collection.
      if (form.image) discardPhoto(form.image);
    }
  }

  async function checkInWith(
    request: FastifyRequest,
    { fields, image, signature }: SubmittedForm,
  ): Promise<AddVisitorResponse> {
    const checked = checkCheckInFields(fields);
    if (!checked.ok) {
      const first = checked.problems[0]!;
      throw new ApiError(first.code, first.message, { field: first.field });
    }
    const expectedId = optionalNumber(fields, 'expected_id', 'There is no expected visit with that ID.');
    const typeId = optionalNumber(fields, 'type_id', 'There is no visitor type with that ID.');
    const agreementVersion =
      fields.agreement_version === undefined ? undefined : parseNumericId(fields.agreement_version);
    if (fields.agreement_version !== undefined && agreementVersion === undefined) {
      throw new ApiError('2400', 'agreement_version must be a version number.', { field: 'agreement_version' });
    }
    const visitorId = await ctx.visitors.checkIn(checked.value, image, request.userId!, {
      expectedId,
      typeId,
      signature,
      agreementVersion,
      returningId: fields.returning_id,
      override: watchlistOverride(fields, request.userId!),
    });
    return { success: true, visitor_id: visitorId };
  }

  app.get(
    '/v1/get',
    {
      schema: routeSchema({
        summary: 'Visitors on the premises, oldest first',
        tags: TAGS,
        querystring: siteQuerySchema,
        success: { schema: visitorListResponseSchema },
        errors: { 400: ['2400'], 404: ['3404'] },
      }),
    },
    async (request): Promise<VisitorListResponse> => ({
      success: true,
      data: fromEachStore(
        storesOf(ctx, sites, request.query.site_id),
        sites,
        (store) => store.visitors.onSite(),
        (a, b) => a.entry_time.localeCompare(b.entry_time),
      ),
    }),
  );

  app.get(
    '/v1/get/visitee',
    {
      schema: routeSchema({
        summary: 'People who can be visited',
        tags: TAGS,
        success: { schema: visiteeListResponseSchema },
      }),
    },
    async (): Promise<VisiteeListResponse> => ({ success: true, data: ctx.visitors.visitees() }),
  );

  app.get(
    '/v1/get/:id',
    {
      schema: routeSchema({
        summary: 'One visitor on the premises',
        tags: TAGS,
        params,
        querystring: siteQuerySchema,
        success: { schema: visitorListResponseSchema },
        errors: { 400: ['2400'], 404: ['3404'] },
      }),
    },
    async (request): Promise<VisitorListResponse> => ({
      success: true,
      data: firstFound(storesOf(ctx, sites, request.query.site_id), (store) =>
        ofSite([store.ctx.visitors.onSiteVisitor(request.params.id)], store.siteId, sites),
      ),
    }),
  );

  // Corrections (API contract Part 2): a visitor put right, an exit undone, the next free card.
  const CORRECTIONS = ['Corrections'];
  app.patch(
    '/v1/visitors/:id',
    {
      schema: routeSchema({
        summary: 'Correct a visitor on the premises or who left today',
        description:
          'Any of name, mobile, purpose, card_no, visitee_no, with the rules and codes of POST /v1/add/ (2301, ' +
          '2302, 2303, 2400; an unknown host 3404); a card held by someone else on the premises is 2409, and so ' +
          'is a visitor who left before today. Audited with the names of the fields changed.',
        tags: CORRECTIONS,
        params,
        form: { schema: visitorCorrectionSchema, types: ['application/json'] },
        success: { schema: visitorResponseSchema },
        errors: { 400: ['2301', '2302', '2303', '2400'], 404: ['3404'], 409: ['2409'], 415: ['2415'] },
      }),
    },
    async (request): Promise<VisitorResponse> => {
      // JSON only, as documented: a form parser would read the fields too, under other rules.
      if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
        throw new ApiError('2415', 'Send the correction as JSON (Content-Type: application/json).');
      }
      const checked = checkCorrection(request.body);
      if (!checked.ok) {
        const { code, message, field } = checked.problem;
        throw new ApiError(code, message, field ? { field } : {});
      }
      return { success: true, data: ctx.corrections.correct(request.params.id, checked.value, request.userId!) };
    },
  );

  app.delete(
    '/v1/exit/:id',
    {
      schema: routeSchema({
        summary: 'Undo an exit recorded at a desk (a Frontdesk addition)',
        description:
          'Within ten minutes of a desk exit, puts the visitor back on the premises. 3404 when there is no such ' +
          'exit to undo; 2409 when their card was given to someone else meanwhile. Audited.',
        tags: CORRECTIONS,
        params,
        success: { schema: visitorResponseSchema },
        errors: { 404: ['3404'], 409: ['2409'] },
      }),
    },
    async (request): Promise<VisitorResponse> => ({
      success: true,
      data: ctx.corrections.undoExit(request.params.id, request.userId!),
    }),
  );

  app.get(
    '/v1/cards/next',
    {
      schema: routeSchema({
        summary: 'The lowest card number nobody on the premises holds',
        description: '2409 when every card from 1 to 9999 is held.',
        tags: CORRECTIONS,
        success: { schema: nextCardResponseSchema },
        errors: { 409: ['2409'] },
      }),
    },
    async (): Promise<NextCardResponse> => ({ success: true, data: { card_no: ctx.corrections.nextCard() } }),
  );

  app.route({ method: ['GET', 'POST'], url: '/v1/exit', schema: missingIdSchema(TAGS), handler: missingVisitorId });
  app.route({
    method: ['GET', 'POST'],
    url: '/v1/exit/:id',
    schema: routeSchema({
      summary: 'Record that a visitor left',
      tags: TAGS,
      params,
      success: { schema: okResponseSchema },
      errors: { 404: ['3404'] },
    }),
    handler: async (request) => {
      ctx.visitors.recordExit(request.params.id);
      return { success: true as const };
    },
  });

  // Frontdesk's addition: everyone, newest first, with cursor pagination and search.
  app.get(
    '/v1/log',
    {
      schema: routeSchema({
        summary: 'The visitor log: everyone, newest first',
        description:
          '`q` matches word prefixes of name, purpose, mobile, card number and the visitee (at most 6 different ' +
          'words); `from`/`to` keep the days entered between them; `on_site=1` pages only the visitors on the ' +
          'premises and adds `on_site_count`. On a company server, `site_id` answers for one site; without it ' +
          'the log of every site and the company server’s own, merged newest entry first, read forward only ' +
          '(`prev_cursor` null).',
        tags: TAGS,
        querystring: logQuerySchema,
        success: { schema: visitorLogResponseSchema },
        errors: { 400: ['2400'], 404: ['3404'] },
      }),
    },
    async (request): Promise<VisitorLogResponse> => {
      const { site_id, ...query } = request.query;
      const stores = storesOf(ctx, sites, site_id);
      if (stores.length > 1) {
        const merged = mergedLog(stores, sites!, query);
        return {
          success: true,
          data: merged.visitors,
          next_cursor: merged.nextCursor,
          prev_cursor: null,
          ...(merged.onSiteCount === undefined ? {} : { on_site_count: merged.onSiteCount }),
        };
      }
      const [store] = stores as [Scoped];
      const page = store.ctx.visitors.log(query);
      return {
        success: true,
        data: ofSite(page.visitors, store.siteId, sites),
        next_cursor: page.nextCursor,
        prev_cursor: page.prevCursor,
        ...(page.onSiteCount === undefined ? {} : { on_site_count: page.onSiteCount }),
      };
    },
  );

  app.get(
    '/v1/log/export.csv',
    {
      schema: routeSchema({
        summary: 'The visitor log as CSV, filtered like GET /v1/log/',
        description:
          'RFC 4180, newest first, header `' +
          EXPORT_COLUMNS.join(',') +
          "`; a cell that a spreadsheet would run as a formula starts with `'`. Streamed: memory does not " +
          'grow with the number of rows. Every export is audited. On a company server that holds sites a last ' +
          'column, `site`, names each row’s site (empty for the company server’s own); `site_id` exports one ' +
          'site’s log, and without it every store’s rows come merged by entry time, the export on each site’s trail.',
        tags: TAGS,
        querystring: logFilterSchema.and(siteQuerySchema),
        success: { media: ['text/csv'] },
        errors: { 400: ['2400'], 404: ['3404'] },
      }),
    },
    async (request, reply) => {
      const { q, from, to, type_id, site_id } = request.query;
      const filter = { q, from, to, type_id };
      const stores = storesOf(ctx, sites, site_id);
      // A company account is no account of a site's: the site's trail names them as head office.
      const headOffice = sites ? ctx.repositories.users.byId(request.userId!)!.username : '';
      // Every store's first batch is read before the answer starts and before anything is
      // recorded, so a search that is refused is a JSON error, not a broken file, and no trail
      // says an export happened that did not. A HEAD sends no rows: nothing was exported.
      const exports = stores.map((store) => ({
        site: store.siteId === null ? '' : (store.ctx.site.name() ?? ''),
        ...store.ctx.visitors.exportLog(filter, store.siteId === null ? request.userId! : { headOffice }),
      }));
      if (request.method !== 'HEAD') for (const store of exports) store.record();
      // A company server that holds sites says each row's site; one that holds none is a desk's store.
      const csv =
        sites && sites.all().length > 0
          ? exportCsv(mergedExport(exports), SITE_EXPORT_COLUMNS)
          : exportCsv(exports[0]!.batches);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="export.csv"')
        .send(csv);
    },
  );
}
