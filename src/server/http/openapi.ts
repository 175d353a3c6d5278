import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler } from 'fastify-type-provider-zod';
import { serializerCompiler } from './serializer';
import { z } from 'zod';
import { errorBodySchema } from '../../shared/api-types';
import { ERROR_TABLE, type ErrorCode } from '../../shared/errors';
import type { AuthMode } from './auth';

/**
 * The API document is generated from the routes' own zod schemas (the same ones that
 * check query strings and shape every success body), so it cannot drift from the server.
 * Served at /v1/openapi.json and readable offline at /docs/api (Swagger UI, bundled).
 */
export async function registerApiDocument(app: FastifyInstance): Promise<void> {
  // Query strings and path parameters are checked with zod; success bodies are written by
  // serializers compiled from the same schemas (a field missing from a schema never leaves the server).
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Frontdesk visitor API',
        version: '1',
        description:
          'The /v1 visitor API of a Frontdesk reception desk. Authenticate with `Authorization: Token <access_token>` ' +
          'from POST /v1/oauth/. Every endpoint answers with and without a trailing slash. Errors are always ' +
          '`{"success":false,"errors":{"message","type","code"}}` with the codes listed per answer.',
      },
      components: {
        securitySchemes: { token: { type: 'apiKey', in: 'header', name: 'Authorization' } },
      },
    },
    // Forms are read by the routes themselves, which answer with the contract's field codes
    // (2301, 2302, …), so Fastify never sees them as `body`: the document alone does.
    transform: ({ schema, url, ...rest }) => {
      const { form, ...fastifySchema } = (schema ?? {}) as FastifySchema & { form?: z.ZodType };
      return jsonSchemaTransform({ ...rest, url, schema: form ? { ...fastifySchema, body: form } : fastifySchema });
    },
    transformObject: jsonSchemaTransformObject,
  });

  // Written once: 220 KB of JSON for anyone, without a token, must not cost 9 ms a request.
  let document: string | undefined;
  app.get('/v1/openapi.json', { config: { auth: 'none' }, schema: { hide: true } }, async (_request, reply) => {
    document ??= JSON.stringify(app.swagger());
    return reply.type('application/json; charset=utf-8').send(document);
  });

  // The reference page holds no data: open to all, like the renderer's files.
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, auth: 'none' };
    });
    await docs.register(fastifySwaggerUi, {
      routePrefix: '/docs/api',
      uiConfig: { layout: 'BaseLayout', docExpansion: 'list', deepLinking: true, tryItOutEnabled: false },
    });
  });
}

type ErrorsByStatus = Partial<Record<number, readonly ErrorCode[]>>;

export interface RouteDocument {
  summary: string;
  description?: string;
  tags: readonly string[];
  auth?: AuthMode;
  /** The form a route reads itself: described in the document, not checked by Fastify. */
  form?: { schema: z.ZodType; types: readonly string[] };
  /** The success answer: a zod schema for JSON, or the media types of a binary body. Absent: never succeeds. */
  success?: { status?: number; schema: z.ZodType } | { status?: number; media: readonly string[] };
  errors?: ErrorsByStatus;
  /** Extra answers without a body (304). */
  empty?: Record<number, string>;
}

/**
 * A route's `schema`: its parameters, its success answer and every error answer it can
 * give, each listing its codes. The answers every route shares are added here, so a
 * route only names its own. The return type carries the zod types of the query string
 * and path parameters (unknown when absent) so that handlers see what the validator made.
 */
export function routeSchema<
  Q extends z.ZodType = z.ZodUnknown,
  P extends z.ZodType = z.ZodUnknown,
  B extends z.ZodType = z.ZodUnknown,
>(
  /** `body`: a JSON body, checked by its zod schema (2400 naming the field) and described in the document. */
  doc: RouteDocument & { querystring?: Q; params?: P; body?: B },
): FastifySchema & { querystring: Q; params: P; body: B } {
  const auth = doc.auth ?? 'token';
  const errors = mergeErrors(
    {
      // A request line in absolute form, a malformed request, a body we would not read.
      400: ['2400'],
      // A Host header this server does not answer for (DNS rebinding).
      421: ['2600'],
      503: ['5501'],
    },
    auth === 'none' ? {} : { 401: ['1190', '1403'] },
    doc.form ? { 403: ['2400'], 408: ['2400'], 413: ['2400'], 415: ['2415'] } : {},
    // A request with a body from another web site is refused (cross-site-guard).
    doc.body ? { 403: ['2400'], 413: ['2400'], 415: ['2415'] } : {},
    doc.errors ?? {},
  );
  const response: Record<string, unknown> = {};
  if (doc.success) {
    response[doc.success.status ?? 200] =
      'schema' in doc.success
        ? doc.success.schema
        : {
            description: 'The image bytes.',
            content: Object.fromEntries(doc.success.media.map((type) => [type, { schema: binarySchema }])),
          };
  }
  for (const [code, description] of Object.entries(doc.empty ?? {})) {
    if (description) response[code] = z.null().describe(description);
  }
  for (const [code, codes] of Object.entries(errors)) {
    response[code] = errorBodySchema(codes).describe(codes.map((c) => `${c}: ${ERROR_TABLE[c].message}`).join(' '));
  }
  const schema: FastifySchema & { form?: z.ZodType; consumes?: string[] } = {
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: [...doc.tags],
    security: auth === 'none' ? [] : [{ token: [] }],
    response,
  };
  if (doc.querystring) schema.querystring = doc.querystring;
  if (doc.params) schema.params = doc.params;
  if (doc.body) schema.body = doc.body;
  if (doc.form) {
    schema.form = doc.form.schema;
    schema.consumes = [...doc.form.types];
  }
  // Absent parts are typed as z.ZodUnknown (so a handler sees `unknown`), present ones as given.
  return schema as FastifySchema & { querystring: Q; params: P; body: B };
}

const binarySchema = z.string().describe('The image bytes.');

function mergeErrors(...parts: ErrorsByStatus[]): Record<number, ErrorCode[]> {
  const merged: Record<number, ErrorCode[]> = {};
  for (const part of parts) {
    for (const [status, codes] of Object.entries(part)) {
      merged[Number(status)] = [...new Set([...(merged[Number(status)] ?? []), ...(codes ?? [])])];
    }
  }
  return merged;
}
