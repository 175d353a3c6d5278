import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Success bodies are written by fast-json-stringify, compiled once per route from the JSON
 * Schema of the route's own zod schema: only the fields the schema names leave the server,
 * as before, without zod checking every field of every visitor on the way out (half a
 * millisecond a log page, BENCHMARKS.md). The API tests check every answer against the
 * published document, which is made from the same schemas. A schema JSON Schema cannot
 * express is written by zod, as before.
 */
export const serializerCompiler: FastifySerializerCompiler<z.ZodType> = (route) => {
  try {
    const stringify = fastJson(z.toJSONSchema(route.schema, { io: 'output', unrepresentable: 'throw' }) as never);
    return (data) => stringify(data);
  } catch {
    return zodSerializerCompiler(route);
  }
};
