import { z } from 'zod';
import { EXIT_KINDS, IMAGE_FORMATS } from '../../shared/api-types';
import { EVACUATION_KINDS } from '../../shared/evacuation';
import { ROLES } from '../../shared/staff';
import { AGREEMENT_TEXT_MAX, SIGNATURE_MAX_BYTES } from '../../shared/agreements';

/**
 * What desks send each other on the peer listener (API contract Part 3). Nothing here is
 * SQLite's: a change is a desk, its number there and the thing changed, and a thing travels
 * as its whole state with the version (site/clock.ts) of its latest change, so that any store
 * can serve and apply it. Every message from a peer is checked against these schemas: a desk
 * that was let in can still send something broken.
 */
const deskId = z.string().regex(/^[0-9a-f]{32}$/);
const version = z.string().regex(/^\d{15}\.\d{6}\.[0-9a-f]{32}$/);
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const time = z.number().int().nonnegative().max(8.64e15);
const text = (max: number) => z.string().max(max);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const visitorStateSchema = z.object({
  visitor_id: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  card_no: z.number().int().min(0).max(99_999),
  name: text(200),
  mobile: text(100),
  purpose: text(500),
  visitee_no: id.nullable(),
  entry_at: time,
  exit_at: time.nullable(),
  exit_kind: z.enum(EXIT_KINDS).nullable(),
  /** When name, mobile, purpose, card or host last changed (a correction; '' never): the latest wins. */
  details_version: z.union([version, z.literal('')]),
  /** Exits undone (Corrections), at any desk: they do not stand wherever else they were recorded. */
  undone_exits: z.array(time).max(100),
  created_by: id.nullable(),
  erased_at: time.nullable(),
  photo: z
    .object({
      format: z.enum(IMAGE_FORMATS),
      width: z.number().int().positive().max(100_000),
      height: z.number().int().positive().max(100_000),
      bytes: z.number().int().positive(),
      thumbhash: z.string().max(100),
    })
    .nullable(),
  // From a desk of an older version: absent (null, the default type and no signature).
  type_id: id.nullable().default(null),
  /** The agreement signed at check-in; its PNG is fetched as a photo is (site/replication.ts). */
  signature: z
    .object({
      agreement_id: id,
      version: z.number().int().positive(),
      title: text(200),
      sha256: sha256,
      signed_at: time,
      name: text(200),
      mobile: text(100),
      png_sha256: sha256,
      bytes: z.number().int().positive().max(SIGNATURE_MAX_BYTES),
    })
    .nullable()
    .default(null),
});

export const hostStateSchema = z.object({
  visitee_no: id,
  name: text(200),
  email: text(320).nullable(),
  phone: text(100).nullable(),
  department: text(200).nullable(),
  active: z.boolean(),
});

const fieldVersion = z.union([version, z.literal('')]);

export const accountStateSchema = z.object({
  id,
  username: text(100),
  password_hash: text(500),
  role: z.enum(ROLES),
  active: z.boolean(),
  created_at: time,
  /** When each was last changed (site/clock.ts; '' never): each field's latest change wins on its own. */
  versions: z.object({ active: fieldVersion, password_hash: fieldVersion, role: fieldVersion }),
});

export const settingStateSchema = z.object({ key: text(100), value: z.unknown() });

export const expectedStateSchema = z.object({
  expected_id: id,
  name: text(200),
  expected_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  expected_time: z
    .string()
    .regex(/^\d{2}:\d{2}$/)
    .nullable(),
  visitee_no: id.nullable(),
  purpose: text(500).nullable(),
  mobile: text(100).nullable(),
  note: text(1000).nullable(),
  status: z.enum(['expected', 'arrived', 'cancelled']),
  visitor_id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{22}$/)
    .nullable(),
  created_by: id.nullable(),
  created_at: time,
  /** When the person was erased: their name, mobile, purpose, note and e-mail are gone for good. */
  erased_at: time.nullable(),
  // From a desk of an older version: absent (null).
  email: text(254).nullable().default(null),
  /** What the invitation's QR code holds (shared/expected.ts INVITE_TOKEN); null until the desk that took the visit sends it. */
  invite_token: z
    .string()
    .regex(/^[0-9A-F]{64}$/)
    .nullable()
    .default(null),
  /** When the desk that took the visit sent its invitation. */
  invited_at: time.nullable().default(null),
});

export const deskStateSchema = z.object({
  desk_id: deskId,
  name: text(100),
  certificate: text(4000),
  address: text(300).nullable(),
  revoked_at: time.nullable(),
});

export const rollStateSchema = z.object({
  evacuation_id: id,
  kind: z.enum(EVACUATION_KINDS),
  started_at: time,
  started_by: id.nullable(),
  closed_at: time.nullable(),
  closed_by: id.nullable(),
});

/** One person on one roll, and whether, when and by whom they were accounted for. */
export const markStateSchema = z.object({
  evacuation_id: id,
  visitor_id: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  visitee_name: text(200).nullable(),
  accounted_at: time.nullable(),
  accounted_by: id.nullable(),
});

export const visitorTypeStateSchema = z.object({
  type_id: id,
  name: text(100),
  color: z.string().regex(/^#[0-9a-f]{6}$/),
  photo_required: z.boolean(),
  agreement_id: id.nullable(),
  badge_note: text(200).nullable(),
  active: z.boolean(),
});

const agreementVersionState = z.object({
  version: z.number().int().positive(),
  title: text(200),
  sha256,
  text: text(AGREEMENT_TEXT_MAX),
  created_at: time,
});

/** An agreement: its current version, and every version it had (a version is never changed). */
export const agreementStateSchema = z.object({
  agreement_id: id,
  title: text(200),
  version: z.number().int().positive(),
  sha256,
  created_at: time,
  // services/agreement-service.ts keeps 100 a desk; desks apart may each add theirs.
  versions: z.array(agreementVersionState).max(2000),
});

/** A watchlist entry; a removed one carries nothing of the person. */
export const watchStateSchema = z.object({
  entry_id: id,
  name: text(200),
  mobile: text(100).nullable(),
  email: text(254).nullable(),
  reason: text(500),
  created_at: time,
  removed_at: time.nullable(),
});

/** A thing as one desk holds it: null state when it is gone (a setting back to its default). */
export const thingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('visitor'), key: z.string(), version, state: visitorStateSchema }),
  z.object({ kind: z.literal('host'), key: z.string(), version, state: hostStateSchema }),
  z.object({ kind: z.literal('account'), key: z.string(), version, state: accountStateSchema }),
  z.object({ kind: z.literal('setting'), key: z.string(), version, state: settingStateSchema.nullable() }),
  z.object({ kind: z.literal('expected'), key: z.string(), version, state: expectedStateSchema }),
  z.object({ kind: z.literal('desk'), key: z.string(), version, state: deskStateSchema }),
  z.object({ kind: z.literal('roll'), key: z.string(), version, state: rollStateSchema }),
  z.object({ kind: z.literal('mark'), key: z.string(), version, state: markStateSchema }),
  z.object({ kind: z.literal('vtype'), key: z.string(), version, state: visitorTypeStateSchema }),
  z.object({ kind: z.literal('agreement'), key: z.string(), version, state: agreementStateSchema }),
  z.object({ kind: z.literal('watch'), key: z.string(), version, state: watchStateSchema }),
]);
export type Thing = z.infer<typeof thingSchema>;
export type VisitorState = z.infer<typeof visitorStateSchema>;
export type DeskState = z.infer<typeof deskStateSchema>;
export type RollState = z.infer<typeof rollStateSchema>;
export type MarkState = z.infer<typeof markStateSchema>;
export type VisitorTypeState = z.infer<typeof visitorTypeStateSchema>;
export type AgreementState = z.infer<typeof agreementStateSchema>;
export type WatchState = z.infer<typeof watchStateSchema>;

export const changeSchema = z.object({
  origin: deskId,
  seq: id,
  kind: z.enum([
    'visitor',
    'host',
    'account',
    'setting',
    'expected',
    'desk',
    'roll',
    'mark',
    'vtype',
    'agreement',
    'watch',
  ]),
  key: z.string().max(200),
});

/**
 * An entry of a desk's audit trail, as that desk chained it (services/audit.ts): entries
 * travel in order per desk, and a desk takes one only as the next of its chain, with a hash
 * that follows from the one before, so none can be changed, dropped or slipped in on the way.
 */
export const auditEntrySchema = z.object({
  desk_id: deskId,
  audit_id: id,
  time,
  user_id: id.nullable(),
  username: text(200),
  action: z
    .string()
    .regex(/^[a-z]+(?:\.[a-z]+)*$/)
    .max(50),
  visitor_id: z.string().max(64).nullable(),
  detail: text(500),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AuditEntryState = z.infer<typeof auditEntrySchema>;

/** A desk's signature over its chain's hash at an entry: what makes its entries its own wherever they travel. */
export const auditHeadSchema = z.object({
  desk_id: deskId,
  audit_id: id,
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  signature: z.string().regex(/^[0-9a-f]{16,400}$/),
});
export type AuditHead = z.infer<typeof auditHeadSchema>;

/** POST /peer/v1/changes: what the asking desk has, per origin desk. */
export const changesRequestSchema = z.object({
  have: z.record(deskId, z.number().int().nonnegative()),
  /** The newest entry the asking desk holds of each desk's audit trail, its own included. */
  audit_have: z
    .record(deskId, z.number().int().nonnegative())
    .refine((have) => Object.keys(have).length <= 1000, 'at most 1,000 desks')
    .optional(),
  limit: z.number().int().positive().max(1000),
  /** Where the asking desk listens: a desk it has not yet reached learns it so. */
  address: text(300).nullable(),
});

/**
 * The answer: changes after `have`, per desk in order, and the state of each thing they
 * name and of everything those refer to (a visitor's host and the account that checked
 * them in), dependencies first, so that a desk can apply the batch whatever order the
 * changes were made in.
 */
export const changesResponseSchema = z.object({
  changes: z.array(changeSchema),
  things: z.array(thingSchema),
  /** Entries of the desks' audit trails after `audit_have`, per desk in order, each desk's ending at a head it signed. */
  audit: z.array(auditEntrySchema).max(5000).default([]),
  audit_heads: z.array(auditHeadSchema).max(200).default([]),
  more: z.boolean(),
});
export type ChangesResponse = z.infer<typeof changesResponseSchema>;

/** POST /peer/v1/join: a new desk with a join code. */
export const joinRequestSchema = z.object({
  code: z.string().max(100),
  desk: deskStateSchema.omit({ revoked_at: true }),
});

export const joinResponseSchema = z.object({
  site_id: z.string(),
  site_name: text(200),
  /** The numbers the new desk gives to what it makes start above this (db/own-numbers.ts). */
  id_base: z.number().int().nonnegative(),
  desks: z.array(deskStateSchema),
});
export type JoinResponse = z.infer<typeof joinResponseSchema>;
