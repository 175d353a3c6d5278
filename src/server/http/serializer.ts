import fastJson from 'fast-json-stringify';
import type { FastifyInstance } from 'fastify';
import type { FastifySerializerCompiler } from 'fastify/types/schema';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

type Write = (data: unknown) => string;

/**
 * Success bodies are written by fast-json-stringify, compiled from the JSON Schema of the
 * route's own zod schema: only the fields the schema names leave the server (an object
 * with more, where a field may be null, fails the answer rather than carry it;
 * test/security/response-fields.test.ts). It does not check values as zod did (a format,
 * a bound, an enum: it writes what it is given, coerced to the field's JSON type); values
 * are typed where they are made, and every API test checks every answer against the
 * published document, made from the same schemas (test/helpers/contract.ts). A log page
 * went from 0.68× to 0.78× of its floor with this alone (BENCHMARKS.md). A schema JSON
 * Schema cannot express is written by zod, as before.
 *
 * Compiled when a route first answers with that status, not at start: Fastify asks for a
 * serializer for every documented status, most of them errors that errors.ts writes
 * itself, and compiling all of them at every start cost 8 MB (a server's VmRSS when idle)
 * and 0.2 s.
 */
export const serializerCompiler: FastifySerializerCompiler<z.ZodType> = (route) => {
  let write: Write | undefined;
  return (data) => (write ??= compile(route))(data);
};

function compile(route: Parameters<FastifySerializerCompiler<z.ZodType>>[0]): Write {
  try {
    return fastJson(z.toJSONSchema(route.schema, { io: 'output', unrepresentable: 'throw' }) as never);
  } catch {
    return zodSerializerCompiler(route);
  }
}

/**
 * Every text answer leaves encoded once, as UTF-8. fast-json-stringify's output is a rope
 * of many pieces: Fastify measured it for Content-Length (Buffer.byteLength copies it flat
 * first, two bytes a character once a name has a letter beyond Latin-1) and node:http then
 * encoded it again to write it. A Buffer is measured by its length and written as it is: a
 * 50-visitor search allocated 413 KB, now 356, and costs the server 6 % less CPU (the
 * log's first page 1–2 %; builds run side by side, interleaved, under wrk).
 * The last onSend hook, so that the others see the answer as it was.
 */
export function registerEncodedAnswers(app: FastifyInstance): void {
  app.addHook('onSend', (_request, _reply, payload, done) => {
    done(null, typeof payload === 'string' ? Buffer.from(payload) : payload);
  });
}
