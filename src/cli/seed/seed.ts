import type { ImageFormat } from '../../shared/api-types';
import type { AppContext } from '../../server/context';
import type { NewPhoto, NewVisitor } from '../../server/db/repositories/visitors';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { newVisitorId } from '../../server/ids';
import { processPhoto, thumbHashOf } from '../../server/media/photo-processing';
import { encodePhoto } from './encode-photo';
import { FIRST_NAMES, LAST_NAMES, PURPOSES, VISITEES } from './people';
import { mulberry32, portraitPixels } from './portrait';

export interface SeedOptions {
  visitors: number;
  /** Deterministic output for a given seed. */
  seed?: number;
  /** Rows only, no photos: for the million-visitor benchmarks. */
  withoutPhotos?: boolean;
  now?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SeedSummary {
  visitors: number;
  onSite: number;
  withPhoto: number;
}

const DAY = 24 * 60 * 60 * 1000;
const HISTORY_DAYS = 120;
const PHOTO_KEPT_MS = (DEFAULT_SETTINGS.photo_retention_days ?? HISTORY_DAYS) * DAY;
/** Photos are written a batch at a time; rows alone go in far larger transactions. */
const PHOTO_BATCH = 64;
const ROW_BATCH = 5000;
/** Card numbers run from 1 to 9999 and each is in one pocket at a time. */
const MAX_ON_SITE = 9999;

interface PlannedVisitor {
  visitor: NewVisitor;
  photo: { format: ImageFormat; width: number; height: number; orientation?: number; seed: number } | null;
}

/**
 * Fills a data directory with realistic visitors: varied names, purposes and visitees,
 * entries spread over the past months, the most recent third still on the premises, a
 * mix of photo formats and orientations, and a few whose photo is unavailable. Photos
 * go through the same processing and crash-safe store as a real check-in.
 */
export async function seedVisitors(ctx: AppContext, options: SeedOptions): Promise<SeedSummary> {
  const random = mulberry32(options.seed ?? 20261127);
  const now = options.now ?? Date.now();
  const visiteeNos = ensureVisitees(ctx);
  const plan = planVisitors(options.visitors, random, now, visiteeNos, !options.withoutPhotos);

  const batchSize = options.withoutPhotos ? ROW_BATCH : PHOTO_BATCH;
  let done = 0;
  for (let start = 0; start < plan.length; start += batchSize) {
    const batch = plan.slice(start, start + batchSize);
    const rows = await Promise.all(batch.map((planned) => preparePhoto(planned)));
    ctx.writes.run(() => {
      for (const row of rows)
        if (row.photo) ctx.repositories.intents.add(row.visitor.visitor_id, row.photo.format, now);
    });
    await Promise.all(
      rows.flatMap((row) =>
        row.photo && row.files
          ? [ctx.store.writePhoto(row.visitor.visitor_id, row.photo.format, row.files.original, row.files.thumb)]
          : [],
      ),
    );
    // A batch in one unit of work: the seeder's and the benchmarks' bulk path.
    ctx.writes.run(() => rows.forEach((row) => ctx.repositories.visitors.insert(row.visitor, row.photo)));
    done += batch.length;
    options.onProgress?.(done, plan.length);
  }
  return {
    visitors: plan.length,
    onSite: plan.filter((p) => p.visitor.exit_at === null).length,
    withPhoto: plan.filter((p) => p.photo).length,
  };
}

/** The hosts visitors are seeded for: those there are, or the seed's own made now. */
export function ensureVisitees(ctx: AppContext): number[] {
  const existing = ctx.repositories.visitees.list();
  if (existing.length > 0) return existing.map((v) => v.visitee_no);
  return VISITEES.map(
    (name) =>
      ctx.hosts.create({ name, email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com` }).visitee_no,
  );
}

function planVisitors(
  count: number,
  random: () => number,
  now: number,
  visiteeNos: number[],
  withPhotos: boolean,
): PlannedVisitor[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const entries = Array.from({ length: count }, () => now - random() * HISTORY_DAYS * DAY).sort((a, b) => a - b);
  const onSiteFrom = count - Math.min(Math.round(count / 3), MAX_ON_SITE);
  return entries.map((entryAt, index) => {
    const onSite = index >= onSiteFrom;
    const exitAt = onSite ? null : Math.min(now - 1000, entryAt + (15 + random() * 465) * 60 * 1000);
    const cardNo = onSite ? index - onSiteFrom + 1 : 1 + Math.floor(random() * 9999);
    return {
      visitor: {
        visitor_id: newVisitorId(),
        card_no: cardNo,
        name: `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`,
        mobile: `+${44 + Math.floor(random() * 40)}${Math.floor(1e8 + random() * 9e8)}`,
        purpose: pick(PURPOSES),
        visitee_no: random() < 0.9 ? pick(visiteeNos) : null,
        entry_at: Math.round(entryAt),
        exit_at: exitAt === null ? null : Math.round(exitAt),
        created_by: null,
      },
      // As a desk with the default settings looks: photos of visitors who left more than
      // photo_retention_days ago are gone (the next start would delete them anyway), and
      // about one in fifty has none (the camera was broken that day).
      photo:
        withPhotos && (exitAt === null || exitAt > now - PHOTO_KEPT_MS) && random() >= 0.02 ? planPhoto(random) : null,
    };
  });
}

function planPhoto(random: () => number): NonNullable<PlannedVisitor['photo']> {
  const roll = random();
  const seed = Math.floor(random() * 2 ** 31);
  // BMPs are uncompressed: keep them small, as a webcam utility would save them.
  if (roll < 0.06) return { format: 'bmp', width: 240, height: 320, seed };
  if (roll < 0.16) return { format: 'png', width: 360, height: 480, seed };
  if (roll < 0.3) return { format: 'webp', width: 480, height: 640, seed };
  // Phones store portraits as landscape pixels plus an EXIF rotation.
  if (roll < 0.42) return { format: 'jpeg', width: 640, height: 480, orientation: 6, seed };
  if (roll < 0.5) return { format: 'jpeg', width: 640, height: 480, seed };
  return { format: 'jpeg', width: 480, height: 640, seed };
}

async function preparePhoto(
  planned: PlannedVisitor,
): Promise<{ visitor: NewVisitor; photo: NewPhoto | null; files?: { original: Buffer; thumb: Buffer } }> {
  if (!planned.photo) return { visitor: planned.visitor, photo: null };
  const { format, width, height, orientation, seed } = planned.photo;
  const original = await encodePhoto(format, portraitPixels(width, height, seed), width, height, orientation);
  const processed = await processPhoto(original);
  return {
    visitor: planned.visitor,
    photo: {
      format,
      width: processed.width,
      height: processed.height,
      bytes: original.length,
      thumbhash: await thumbHashOf(processed.thumb),
    },
    files: { original, thumb: processed.thumb },
  };
}
