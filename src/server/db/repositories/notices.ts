import type { NoticeChannel, NoticeStatus } from '../../../shared/notifications';
import type { Db } from '../connection';

export interface NoticeRow {
  notice_id: number;
  kind: 'arrival' | 'invitation';
  channel: NoticeChannel;
  visitor_id: string | null;
  expected_id: number | null;
  recipient: string;
  message_id: string;
  /** The message as composed (notify/compose.ts), as JSON; null once its visitor was erased. */
  content: string | null;
  status: NoticeStatus;
  attempts: number;
  created_at: number;
  tries_from: number;
  next_at: number;
  done_at: number | null;
  error: string | null;
}

export type NewNotice = Pick<
  NoticeRow,
  'kind' | 'channel' | 'visitor_id' | 'expected_id' | 'recipient' | 'message_id' | 'content' | 'created_at'
> & { shown: boolean };

/** The outbox (db/migrations/012-notifications.ts): this desk's notices, written with what they tell of. */
export function noticesRepository(db: Db) {
  const insert = db
    .prepare<[Omit<NewNotice, 'shown'> & { shown: number }], number>(
      `INSERT INTO notices (kind, channel, visitor_id, expected_id, shown, recipient, message_id, content,
                            created_at, tries_from, next_at)
       VALUES (@kind, @channel, @visitor_id, @expected_id, @shown, @recipient, @message_id, @content,
               @created_at, @created_at, @created_at)
       RETURNING notice_id`,
    )
    .pluck();
  const byId = db.prepare<[number], NoticeRow>('SELECT * FROM notices WHERE notice_id = ?');
  const due = db.prepare<[string, number, number], NoticeRow>(
    `SELECT * FROM notices WHERE status = 'pending' AND channel = ? AND next_at <= ?
      ORDER BY next_at, notice_id LIMIT ?`,
  );
  const nextDue = db
    .prepare<[string], number | null>("SELECT min(next_at) FROM notices WHERE status = 'pending' AND channel = ?")
    .pluck();
  // Taken only as it was read, and only while due: of two processes (or two pumps) that read
  // the same notice, one leases it.
  const lease = db.prepare<{ id: number; attempts: number; now: number; retryAt: number }>(
    `UPDATE notices SET attempts = attempts + 1, next_at = @retryAt
      WHERE notice_id = @id AND status = 'pending' AND attempts = @attempts AND next_at <= @now`,
  );
  const settle = db.prepare<[NoticeStatus, number | null, string | null, number]>(
    "UPDATE notices SET status = ?, done_at = ?, error = ? WHERE notice_id = ? AND status = 'pending'",
  );
  const retry = db.prepare<{ now: number; id: number }>(
    `UPDATE notices SET status = 'pending', tries_from = @now, next_at = @now, done_at = NULL
      WHERE notice_id = @id AND content IS NOT NULL`,
  );
  const dueNow = db.prepare<{ channel: string; now: number }>(
    "UPDATE notices SET next_at = @now WHERE status = 'pending' AND channel = @channel AND next_at > @now",
  );
  const page = db.prepare<{ status: string | null; before: number; limit: number }, NoticeRow>(
    `SELECT * FROM notices WHERE (CAST(@status AS TEXT) IS NULL OR status = @status) AND notice_id < @before
      ORDER BY notice_id DESC LIMIT @limit`,
  );
  return {
    insert: (notice: NewNotice): number => insert.get({ ...notice, shown: notice.shown ? 1 : 0 })!,
    byId: (id: number): NoticeRow | undefined => byId.get(id),
    /** A channel's pending notices whose time has come, the longest waiting first. */
    due: (channel: NoticeChannel, now: number, limit: number): NoticeRow[] => due.all(channel, now, limit),
    /** When a channel's next pending notice is due; undefined when none is pending. */
    nextDue: (channel: NoticeChannel): number | undefined => nextDue.get(channel) ?? undefined,
    /**
     * Takes a notice for an attempt: counts it and sets when it is tried again should this
     * attempt never end (a crash mid-send). False when it is no longer pending.
     */
    lease: (id: number, attempts: number, now: number, retryAt: number): boolean =>
      lease.run({ id, attempts, now, retryAt }).changes === 1,
    /** Ends a pending notice as sent or failed; or, for 'pending', notes why this attempt failed. */
    settle: (id: number, status: NoticeStatus, at: number | null, error: string | null): void => {
      settle.run(status, at, error, id);
    },
    /** Makes every pending notice of a channel due now (its server is back, or another). */
    dueNow: (channel: NoticeChannel, now: number): void => {
      dueNow.run({ channel, now });
    },
    /** Sends it again now, with a new day of retries; false for an erased visitor's notice. */
    retryNow: (id: number, now: number): boolean => retry.run({ now, id }).changes === 1,
    /** Newest first, below `before` (a notice ID), at most `limit`. */
    page: (status: NoticeStatus | undefined, before: number, limit: number): NoticeRow[] =>
      page.all({ status: status ?? null, before, limit }),
  };
}

export type NoticesRepository = ReturnType<typeof noticesRepository>;
