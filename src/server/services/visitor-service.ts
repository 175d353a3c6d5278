import type { ImageFormat, Visitor, Visitee } from '../../shared/api-types';
import type { CheckInFields } from '../../shared/visitor-fields';
import { ApiError } from '../api-error';
import type { PhotoIntentsRepository } from '../db/repositories/photo-intents';
import type { VisiteesRepository } from '../db/repositories/visitees';
import type { ExpectedVisitsRepository } from '../db/repositories/expected-visits';
import { mayHaveCommitted } from '../db/sql-database';
import { ExpectedVisitNotOpenError, type VisitorRecord, type VisitorsRepository } from '../db/repositories/visitors';
import { formatLocalDate } from '../../shared/dates';
import { isVisitorId, newVisitorId } from '../ids';
import { MediaError } from '../media/media-error';
import { processPhoto, thumbHashOf, type ProcessedPhoto } from '../media/photo-processing';
import type { PhotoStore } from '../photos/photo-store';
import type { DeskEvents } from './desk-events';
import type { Outbox } from '../notify/outbox';
import type { Writes } from './unit-of-work';
import { logger } from '../log';
import { decodeCursor, encodeCursor, logFilter } from './log-search';
import { latestSignOutMomentBy, signOutMomentAfter } from './auto-signout';
import { announceVisitor, toVisitor } from './visitor-view';
import type { Signing } from './signing';
import type { VisitorTypeService } from './visitor-type-service';
import { WatchlistStop, type WatchlistService } from './watchlist-service';
import type { VisitorType } from '../../shared/visitor-types';

const checkInLog = logger('check-in');

/** What a check-in may bring besides the form's fields (API contract Part 5). */
export interface CheckInOptions {
  expectedId?: number | undefined;
  typeId?: number | undefined;
  /** The visitor's signature, drawn on the desk's screen, and the version of the agreement they read. */
  signature?: Buffer | undefined;
  agreementVersion?: number | undefined;
  /** Their earlier visit, when they are a returning visitor: a signature of the current version is not asked again. */
  returningId?: string | undefined;
  /** An admin lets a person the watchlist stops in, with a note for the trail. */
  override?: { note: string } | undefined;
}

export interface LogQuery {
  q?: string | undefined;
  /** Local days, inclusive, by entry date. */
  from?: string | undefined;
  to?: string | undefined;
  /** One visitor type's visitors only. */
  type_id?: number | undefined;
  /** Only visitors on the premises: a busy site's "On site now", a page at a time. */
  on_site?: boolean | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface LogPage {
  visitors: Visitor[];
  /**
   * With `rowCursors`, for each visitor the cursor of the entries older than them: where a
   * merged log goes on (company/merged-log.ts).
   */
  after?: string[];
  nextCursor: string | null;
  prevCursor: string | null;
  onSiteCount?: number;
}

export function visitorService(deps: {
  visitors: VisitorsRepository;
  visitees: VisiteesRepository;
  intents: PhotoIntentsRepository;
  expectedVisits: ExpectedVisitsRepository;
  store: PhotoStore;
  writes: Writes;
  now: () => number;
  events: DeskEvents;
  /** The outbox: a check-in's arrival notices are written in its own unit. */
  notify: Pick<Outbox, 'queueArrival'>;
  types: Pick<VisitorTypeService, 'forCheckIn'>;
  signing: Signing;
  watchlist: Pick<WatchlistService, 'screen' | 'stopped'>;
}) {
  const { visitors, visitees, intents, expectedVisits, store, writes, now, events } = deps;

  /**
   * The automatic sign-out (API contract, Settings): everyone still on the premises who
   * entered before a sign-out moment leaves at that moment, the first one after their
   * entry, so a desk that was off for days signs Monday's visitors out on Monday night.
   */
  function signOutAutomatically(time: string | null): number {
    if (time === null) return 0;
    const at = now();
    const latest = latestSignOutMomentBy(at, time);
    if (latest === null) return 0;
    const due = visitors
      .onSiteEnteredBefore(latest)
      .map((visitor) => ({ visitorId: visitor.visitor_id, exitAt: signOutMomentAfter(visitor.entry_at, time) }))
      .filter((exit) => exit.exitAt <= at);
    if (due.length === 0) return 0;
    return writes.run((unit) => {
      const signedOut = visitors.signOutAutomatically(due);
      unit.afterCommit(() => signedOut.forEach((visitorId) => announce('visitor.exit', visitorId)));
      return signedOut.length;
    });
  }

  const announce = (type: 'visitor.checkin' | 'visitor.exit', visitorId: string): void => {
    announceVisitor({ visitors, events }, type, visitorId);
  };

  /**
   * The check-in. Order matters for crash safety: (1) once the upload's decode begins (its
   * header read and found worth decoding), commit an intent naming its files; (2) while it
   * decodes, write the original whole into place (photo-store.ts); (3) once decoded, the
   * thumbnail; (4) commit the visitor, its photo, its signature and the intent's end in one
   * transaction. A crash at any point leaves either a whole check-in or an intent, whose
   * files start-up removes, and temporary files it removes too. A visitor of a type that
   * needs no photo, checked in without one, is step 4 alone.
   */
  async function checkIn(
    fields: CheckInFields,
    image: Buffer | undefined,
    userId: number,
    options: CheckInOptions = {},
  ): Promise<string> {
    if (fields.visitee_no !== undefined && !visitees.isActive(fields.visitee_no)) {
      throw new ApiError('3404', `There is no host number ${fields.visitee_no} who can be visited.`, {
        field: 'visitee_no',
      });
    }
    const { expectedId } = options;
    const expected = expectedId === undefined ? undefined : openExpectedVisit(expectedId);
    assertCardFree(fields.cardno);
    const type = deps.types.forCheckIn(options.typeId);
    if (!image && type.photo_required) throw new ApiError('2200', 'image is required.', { field: 'image' });
    const signing = await deps.signing.prepare(type, fields, options);
    // Nothing of a person the watchlist stops is stored, their photo not even decoded.
    screen(() => deps.watchlist.screen(fields, userId, options.override), userId);
    const visitorId = newVisitorId();

    const commit = (photo: (ProcessedPhoto & { thumbhash: Buffer }) | undefined, bytes: number) =>
      writes.run((unit) => {
        // A second desk may have handed out the same card while this photo was written.
        assertCardFree(fields.cardno);
        // An admin may have changed the type, or added the person to the watchlist, meanwhile.
        assertTypeStill(type, options.typeId);
        deps.watchlist.screen(fields, userId, options.override, { unit, visitorId });
        const entryAt = now();
        visitors.insert(
          {
            visitor_id: visitorId,
            card_no: fields.cardno,
            name: fields.name,
            mobile: fields.mobile,
            purpose: fields.purpose,
            visitee_no: fields.visitee_no ?? null,
            entry_at: entryAt,
            created_by: userId,
            type_id: type.type_id,
            ...(expected ? { expected } : {}),
          },
          photo
            ? {
                format: photo.format,
                width: photo.width,
                height: photo.height,
                bytes,
                thumbhash: photo.thumbhash,
              }
            : null,
        );
        signing?.record(visitorId, fields, entryAt);
        deps.notify.queueArrival(unit, {
          visitorId,
          name: fields.name,
          purpose: fields.purpose,
          cardNo: fields.cardno,
          visiteeNo: fields.visitee_no ?? null,
          at: entryAt,
        });
        unit.afterCommit(() => {
          announce('visitor.checkin', visitorId);
          if (expected) events.publish({ type: 'expected.changed', expected_id: expected.id });
        });
      });

    if (!image) {
      try {
        commit(undefined, 0);
      } catch (error) {
        throw answerFor(error, expectedId, userId);
      }
      return visitorId;
    }

    // The decode takes most of a check-in and runs in sharp's threads: the intent's commit
    // and the original's write, flush and rename happen meanwhile, not after it.
    let format: ImageFormat | undefined;
    let original: Promise<void> | undefined;
    const placeOriginal = async (sniffed: ImageFormat): Promise<void> => {
      // After the decode has been handed to sharp (processPhoto calls this just before).
      await Promise.resolve();
      writes.run(() => intents.add(visitorId, sniffed, now()));
      format = sniffed;
      await store.writeFile(visitorId, 'original', sniffed, image);
    };
    // What a refused or failed check-in had begun; the client hears why it failed, not this.
    const undo = async (): Promise<void> => {
      await original?.catch(() => undefined);
      if (format === undefined) return;
      try {
        await store.removePhoto(visitorId, format);
        writes.run(() => intents.remove(visitorId));
      } catch (error) {
        // The intent stays, and start-up removes the files it names.
        checkInLog.error({ err: error }, `could not undo the photo of check-in ${visitorId}`);
      }
    };
    let photo: ProcessedPhoto;
    try {
      photo = await processPhotoOrThrow(image, (sniffed) => {
        original = placeOriginal(sniffed);
        original.catch(() => undefined); // awaited below
      });
      await original;
    } catch (error) {
      await undo();
      throw error;
    }

    // The placeholder is made in the thread pool while the thumbnail is flushed.
    const placeholder = thumbHashOf(photo.thumb);
    placeholder.catch(() => undefined); // awaited below, or abandoned with the check-in
    try {
      await store.writeFile(visitorId, 'thumb', photo.format, photo.thumb);
      commit({ ...photo, thumbhash: await placeholder }, image.length);
    } catch (error) {
      // A commit the database did not confirm may stand, and its visitor needs the photo. If
      // it did not, its intent stands instead, and the sweep removes the files it names.
      if (!mayHaveCommitted(error)) await undo();
      throw answerFor(error, expectedId, userId);
    }
    return visitorId;
  }

  /** A watchlist stop found before anything was begun: answered at once. */
  function screen(check: () => void, userId: number): void {
    try {
      check();
    } catch (error) {
      throw answerFor(error, undefined, userId);
    }
  }

  /**
   * What the client hears of a check-in that failed once what it had begun is undone: another
   * desk checked the expected visitor in (or cancelled them) while the photo was written, or
   * the watchlist stops the person (recorded now, in a unit of its own).
   */
  function answerFor(error: unknown, expectedId: number | undefined, userId: number): unknown {
    if (error instanceof ExpectedVisitNotOpenError) return expectedNotOpen(expectedId!);
    if (error instanceof WatchlistStop) return deps.watchlist.stopped(error, userId);
    return error;
  }

  /** The type as the check-in read it is still what it asks: active, with the same photo rule and agreement. */
  function assertTypeStill(type: VisitorType, typeId: number | undefined): void {
    const now = deps.types.forCheckIn(typeId);
    if (now.photo_required !== type.photo_required || now.agreement_id !== type.agreement_id) {
      throw new ApiError(
        '2409',
        `The visitor type ${now.name} was changed meanwhile: check the form and send it again.`,
        {
          field: 'type_id',
        },
      );
    }
  }

  /** The expected visit a check-in fulfils: it must exist (3404) and be open for today (2409). */
  function openExpectedVisit(expectedId: number): { id: number; date: string } {
    const visit = expectedVisits.byId(expectedId);
    if (!visit) throw new ApiError('3404', `There is no expected visit ${expectedId}.`, { field: 'expected_id' });
    const today = formatLocalDate(new Date(now()));
    if (visit.status !== 'expected' || visit.expected_date !== today) throw expectedNotOpen(expectedId);
    return { id: expectedId, date: today };
  }

  function expectedNotOpen(expectedId: number): ApiError {
    return new ApiError(
      '2409',
      `Expected visit ${expectedId} is not open for today (arrived, cancelled or another day).`,
      {
        field: 'expected_id',
      },
    );
  }

  function assertCardFree(cardNo: number): void {
    if (visitors.isCardOnSite(cardNo)) {
      throw new ApiError('2301', `Card ${cardNo} is already given to a visitor on the premises.`, {
        field: 'cardno',
      });
    }
  }

  function onSiteVisitor(visitorId: string): Visitor {
    const record = isVisitorId(visitorId) ? visitors.onSiteById(visitorId) : undefined;
    if (!record) throw new ApiError('3404', 'No visitor with that ID is on the premises.');
    return toVisitor(record);
  }

  function recordExit(visitorId: string): void {
    writes.run((unit) => {
      if (!isVisitorId(visitorId) || !visitors.recordExit(visitorId, now())) {
        throw new ApiError('3404', 'No visitor with that ID is on the premises.');
      }
      unit.afterCommit(() => announce('visitor.exit', visitorId));
    });
  }

  /** A printed badge carries a face: every print is on the audit trail (API contract Part 2). */
  function badgePrinted(visitorId: string, userId: number): void {
    const visitor = isVisitorId(visitorId) ? visitors.byId(visitorId) : undefined;
    // An erased visitor has no name or face left to put on a badge.
    if (!visitor || visitor.erased_at !== null) throw new ApiError('3404', 'There is no visitor with that ID.');
    writes.run((unit) => unit.audit({ action: 'badge.print', userId, visitorId }));
  }

  /**
   * The log as the export sends it (matching), its first batch read before anything is
   * recorded, so a search that is refused records nothing; `record` puts the export on the
   * trail (not for a HEAD, which sends no rows), once every store an export reads has
   * answered its first batch.
   */
  function exportLog(
    query: Omit<LogQuery, 'cursor' | 'limit' | 'on_site'>,
    /** An account of this store, or a company admin exporting a site's log (no account of the site's). */
    by: number | { headOffice: string },
  ): { batches: Generator<VisitorRecord[]>; record: () => void } {
    const batches = matching(query);
    const first = batches.next();
    // The filter's shape only: search text may be someone's name.
    const filter = `from ${query.from ?? 'the start'} to ${query.to ?? 'today'}${query.q ? ', with a search' : ''}`;
    return {
      batches: first.done ? batches : prepend(first.value, batches),
      record: () =>
        writes.run((unit) =>
          unit.audit({
            action: 'log.export',
            userId: typeof by === 'number' ? by : null,
            detail: typeof by === 'number' ? filter : `head office (${by.headOffice}): ${filter}`,
          }),
        ),
    };
  }

  /**
   * A page of the log, newest first. Read forward (older entries, next_cursor) or, for a
   * client that let go of the pages above the one it shows, back (newer, prev_cursor).
   */
  function log(query: LogQuery, { rowCursors = false }: { rowCursors?: boolean } = {}): LogPage {
    const cursor = query.cursor
      ? decodeCursor(query.cursor)
      : { direction: 'older' as const, seq: Number.MAX_SAFE_INTEGER };
    const filter = logFilter(query, visitors);
    if (filter.match && query.on_site) throw new ApiError('2400', 'Search covers the whole log; leave out on_site.');
    // One extra row tells whether another page exists without a count(*).
    const rows = visitors.page(
      {
        direction: cursor.direction,
        search: filter.match !== undefined,
        onSite: query.on_site ?? false,
        dated: filter.dated,
        type: filter.type,
      },
      { ...filter.params, seq: cursor.seq, limit: query.limit + 1 },
    );
    const more = rows.length > query.limit;
    const page = cursor.direction === 'older' ? rows.slice(0, query.limit) : rows.slice(0, query.limit).reverse();
    const first = page[0];
    const last = page.at(-1);
    // Older entries exist beyond a page read forward if it was cut, and always below a page read back.
    const hasOlder = cursor.direction === 'older' ? more : true;
    // Newer entries exist above a page read back if it was cut, and above any page read forward but the first.
    const hasNewer = cursor.direction === 'newer' ? more : query.cursor !== undefined;
    return {
      visitors: page.map(toVisitor),
      ...(rowCursors ? { after: page.map((row) => encodeCursor({ direction: 'older', seq: row.seq })) } : {}),
      nextCursor: hasOlder && last ? encodeCursor({ direction: 'older', seq: last.seq }) : null,
      prevCursor: hasNewer && first ? encodeCursor({ direction: 'newer', seq: first.seq }) : null,
      ...(query.on_site ? { onSiteCount: visitors.onSiteCount() } : {}),
    };
  }

  /**
   * Everything a filter matches, newest first, a batch at a time: the export reads the
   * log in keyset pages, so it never holds more than a batch and never keeps a statement
   * open (better-sqlite3 allows no other query on the connection while one iterates).
   * Visitors who arrive while it runs are newer than its first row and are left out.
   * Batches of 100: measured at a million rows, 500 made V8 grow its young generation by
   * 116 MiB (kept for good), 100 by 59 MiB at the same speed, 50 no less and 20% slower.
   */
  function* matching(query: Omit<LogQuery, 'cursor' | 'limit' | 'on_site'>, batch = 50): Generator<VisitorRecord[]> {
    const filter = logFilter(query, visitors);
    const shape = {
      direction: 'older' as const,
      search: filter.match !== undefined,
      onSite: false,
      dated: filter.dated,
      type: filter.type,
    };
    let seq = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const rows = visitors.page(shape, { ...filter.params, seq, limit: batch });
      if (rows.length > 0) yield rows;
      if (rows.length < batch) return;
      seq = rows.at(-1)!.seq;
    }
  }

  return {
    checkIn,
    onSite: (): Visitor[] => visitors.onSite().map(toVisitor),
    onSiteVisitor,
    recordExit,
    badgePrinted,
    exportLog,
    log,
    matching,
    signOutAutomatically,
    visitees: (): Visitee[] => visitees.list(),
  };
}

function* prepend<T>(first: T, rest: Iterator<T>): Generator<T> {
  yield first;
  for (let next = rest.next(); !next.done; next = rest.next()) yield next.value;
}

async function processPhotoOrThrow(image: Buffer, whileDecoding?: (format: ImageFormat) => void) {
  try {
    return await processPhoto(image, whileDecoding);
  } catch (error) {
    if (!(error instanceof MediaError)) throw error;
    switch (error.problem) {
      case 'too-large':
        throw new ApiError('2400', error.message, { field: 'image' });
      case 'unsupported':
      case 'corrupt':
        throw new ApiError('2415', error.message, { field: 'image' });
    }
  }
}

export type VisitorService = ReturnType<typeof visitorService>;
