import type { FastifyRouteSchemaDef } from 'fastify/types/schema';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { visitorLogResponseSchema, type VisitorLogResponse } from '../../src/shared/api-types';
import { serializerCompiler } from '../../src/server/http/serializer';

/** The serializer Fastify would compile for a route answering with `schema`. */
function writerFor(schema: z.ZodType): (data: unknown) => string {
  const route: FastifyRouteSchemaDef<z.ZodType> = { schema, method: 'GET', url: '/test' };
  return serializerCompiler(route);
}

const visitor: VisitorLogResponse['data'][number] = {
  visitor_id: 'Xq3vTLb0W9l2m5rjY8eVdA',
  card_no: 12,
  name: 'Rosa Díaz',
  mobile: '+44 7700 900123',
  purpose: 'Interview',
  visitee_no: 3,
  visitee_name: 'Ana Host',
  entry_time: '2026-12-06 09:02:00',
  exit_time: null,
  exit_kind: null,
  has_photo: true,
  erased: false,
  photo_width: 3000,
  photo_height: 4000,
  thumbhash: 'pxgKFYLJiIiPh3ZxiqiIdymPltBY',
  thumb_url: '/v1/photo/thumb/Xq3vTLb0W9l2m5rjY8eVdA?k=abcdefghijklmnop&e=1765000000&s=abcdefghijklmnopqrstuv',
  notification: { status: 'sent', channel: 'email', time: '2026-12-06 09:02:01', error: null },
  type_id: 1,
  type_name: 'Visitor',
  type_color: '#2563eb',
  agreement: null,
};

describe('success bodies', () => {
  it('carry exactly the fields the route’s schema names, as zod would write them', () => {
    const page = { success: true, data: [visitor], next_cursor: 'abc', prev_cursor: null } as const;
    const written: unknown = JSON.parse(writerFor(visitorLogResponseSchema)(page));
    expect(written).toEqual(JSON.parse(JSON.stringify(visitorLogResponseSchema.parse(page))));
  });

  it('never carry a field the schema does not name, at any depth', () => {
    const leaky = {
      success: true,
      data: [{ ...visitor, password_hash: 'secret-1' }],
      next_cursor: null,
      prev_cursor: null,
      token: 'secret-2',
    };
    const written = writerFor(visitorLogResponseSchema)(leaky);
    expect(written).not.toMatch(/secret-|password_hash|"token"/);
    expect((JSON.parse(written) as VisitorLogResponse).data[0]!.name).toBe('Rosa Díaz');
    // Inside a field that may be null, an object with more than its schema matches no branch:
    // the answer fails (500) rather than carry it.
    const nested = { ...leaky, data: [{ ...visitor, notification: { ...visitor.notification, secret: 'secret-3' } }] };
    expect(() => writerFor(visitorLogResponseSchema)(nested)).toThrow();
  });

  it('refuse a body without a field the schema requires', () => {
    const nameless: Partial<typeof visitor> = { ...visitor };
    delete nameless.name;
    const page = { success: true, data: [nameless], next_cursor: null, prev_cursor: null };
    expect(() => writerFor(visitorLogResponseSchema)(page)).toThrow();
  });

  it('are written by zod where JSON Schema cannot say what the schema does', () => {
    const schema = z.object({ success: z.literal(true), when: z.date() });
    const written = writerFor(schema)({ success: true, when: new Date(Date.UTC(2026, 11, 6)), extra: 1 });
    expect(JSON.parse(written)).toEqual({ success: true, when: '2026-12-06T00:00:00.000Z' });
  });
});
