import { createHash } from 'node:crypto';
import type { DeskState, MarkState, RollState, Thing, VisitorState } from '../../site/protocol';
import type { Db } from '../connection';
import type { ChangeKind } from './change-log';

type StateOf<K extends ChangeKind> = NonNullable<Extract<Thing, { kind: K }>['state']>;
/** As SQLite keeps it: a flag as 0 or 1. */
type Stored<T> = Omit<T, 'active'> & { active: number };

/**
 * Things as they travel between desks (site/protocol.ts), read from and written to this
 * desk's tables. The rules that decide between two states are in site/convergence.ts; this
 * is only their SQL. Every write runs inside the unit of work that applies a batch.
 */
export function replicaRepository(db: Db) {
  const visitor = db.prepare<
    [string],
    Omit<VisitorState, 'photo' | 'undone_exits' | 'details_version' | 'signature'> & Record<string, unknown>
  >(
    `SELECT v.visitor_id, v.card_no, v.name, v.mobile, v.purpose, v.visitee_no, v.entry_at, v.exit_at, v.exit_kind,
            v.undone_exits, v.created_by, v.erased_at, v.type_id, p.format, p.width, p.height, p.bytes, p.thumbhash,
            s.agreement_id AS sig_agreement_id, s.version AS sig_version, s.title AS sig_title, s.sha256 AS sig_sha256,
            s.signed_at AS sig_signed_at, s.name AS sig_name, s.mobile AS sig_mobile, s.png AS sig_png
       FROM visitors v LEFT JOIN photos p ON p.visitor_seq = v.seq LEFT JOIN signatures s ON s.visitor_id = v.visitor_id
      WHERE v.visitor_id = ?`,
  );
  const host = db.prepare<[number], Stored<StateOf<'host'>>>(
    'SELECT visitee_no, name, email, phone, department, active FROM visitees WHERE visitee_no = ?',
  );
  const account = db.prepare<[number], Omit<Stored<StateOf<'account'>>, 'versions'>>(
    'SELECT id, username, password_hash, role, active, created_at FROM users WHERE id = ?',
  );
  const named = db.prepare<[string], { id: number; username: string }>(
    'SELECT id, username FROM users WHERE username = ?',
  );
  const rename = db.prepare<[string, number]>('UPDATE users SET username = ? WHERE id = ?');
  const setting = db.prepare<[string], { key: string; value: string }>('SELECT key, value FROM settings WHERE key = ?');
  const expected = db.prepare<[number], StateOf<'expected'>>(
    `SELECT expected_id, name, expected_date, expected_time, visitee_no, purpose, mobile, note, status, visitor_id,
            created_by, created_at, erased_at, email, invite_token, invited_at FROM expected_visits WHERE expected_id = ?`,
  );
  const desk = db.prepare<[string], DeskState>(
    'SELECT desk_id, name, certificate, address, revoked_at FROM desks WHERE desk_id = ?',
  );
  const roll = db.prepare<[number], RollState>(
    'SELECT evacuation_id, kind, started_at, started_by, closed_at, closed_by FROM evacuations WHERE evacuation_id = ?',
  );
  const mark = db.prepare<[number, string], MarkState>(
    `SELECT evacuation_id, visitor_id, visitee_name, accounted_at, accounted_by
       FROM evacuation_people WHERE evacuation_id = ? AND visitor_id = ?`,
  );

  const upsertHost = db.prepare<[Stored<StateOf<'host'>>]>(
    `INSERT INTO visitees (visitee_no, name, email, phone, department, active)
     VALUES (@visitee_no, @name, @email, @phone, @department, @active)
     ON CONFLICT (visitee_no) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone,
       department = excluded.department, active = excluded.active`,
  );
  const upsertAccount = db.prepare<[Omit<Stored<StateOf<'account'>>, 'versions'>]>(
    `INSERT INTO users (id, username, password_hash, role, active, created_at)
     VALUES (@id, @username, @password_hash, @role, @active, @created_at)
     ON CONFLICT (id) DO UPDATE SET username = excluded.username, password_hash = excluded.password_hash,
       role = excluded.role, active = excluded.active`,
  );
  const endTokens = db.prepare<[number, number]>(
    'UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL',
  );
  const upsertSetting = db.prepare<[string, string]>(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const removeSetting = db.prepare<[string]>('DELETE FROM settings WHERE key = ?');
  const upsertExpected = db.prepare<[StateOf<'expected'>]>(
    `INSERT INTO expected_visits (expected_id, name, expected_date, expected_time, visitee_no, purpose, mobile, note,
                                  status, visitor_id, created_by, created_at, erased_at, email, invite_token, invited_at)
     VALUES (@expected_id, @name, @expected_date, @expected_time, @visitee_no, @purpose, @mobile, @note, @status,
             @visitor_id, @created_by, @created_at, @erased_at, @email, @invite_token, @invited_at)
     ON CONFLICT (expected_id) DO UPDATE SET name = excluded.name, expected_date = excluded.expected_date,
       expected_time = excluded.expected_time, visitee_no = excluded.visitee_no, purpose = excluded.purpose,
       mobile = excluded.mobile, note = excluded.note, status = excluded.status, visitor_id = excluded.visitor_id,
       erased_at = excluded.erased_at, email = excluded.email, invite_token = excluded.invite_token,
       invited_at = excluded.invited_at`,
  );
  const upsertDesk = db.prepare<[DeskState & { fingerprint: string }]>(
    `INSERT INTO desks (desk_id, name, fingerprint, certificate, address, revoked_at)
     VALUES (@desk_id, @name, @fingerprint, @certificate, @address, @revoked_at)
     ON CONFLICT (desk_id) DO UPDATE SET name = excluded.name, fingerprint = excluded.fingerprint,
       certificate = excluded.certificate, address = excluded.address, revoked_at = excluded.revoked_at`,
  );
  const upsertRoll = db.prepare<[RollState]>(
    `INSERT INTO evacuations (evacuation_id, kind, started_at, started_by, closed_at, closed_by)
     VALUES (@evacuation_id, @kind, @started_at, @started_by, @closed_at, @closed_by)
     ON CONFLICT (evacuation_id) DO UPDATE SET closed_at = excluded.closed_at, closed_by = excluded.closed_by`,
  );
  const upsertMark = db.prepare<[MarkState]>(
    `INSERT INTO evacuation_people (evacuation_id, visitor_id, visitee_name, accounted_at, accounted_by)
     VALUES (@evacuation_id, @visitor_id, @visitee_name, @accounted_at, @accounted_by)
     ON CONFLICT (evacuation_id, visitor_id) DO UPDATE SET accounted_at = excluded.accounted_at,
       accounted_by = excluded.accounted_by`,
  );
  const setErasedAt = db.prepare<[number, string]>('UPDATE visitors SET erased_at = ? WHERE visitor_id = ?');
  const keepAdmin = db.prepare(
    `UPDATE users SET active = 1
      WHERE id = (SELECT min(id) FROM users WHERE role = 'admin')
        AND NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND active = 1)`,
  );
  const setExit = db.prepare<[number | null, string | null, string | null, string]>(
    'UPDATE visitors SET exit_at = ?, exit_kind = ?, undone_exits = ? WHERE visitor_id = ?',
  );

  return {
    /** A visitor without its details' version (site/convergence.ts adds it). */
    visitor(visitorId: string): Omit<VisitorState, 'details_version'> | undefined {
      const row = visitor.get(visitorId);
      if (!row) return undefined;
      const { format, width, height, bytes, thumbhash, undone_exits, ...rest } = row;
      const { sig_agreement_id, sig_version, sig_title, sig_sha256, sig_signed_at, sig_name, sig_mobile, sig_png } =
        rest;
      const png = sig_png as Buffer | null;
      return {
        ...(Object.fromEntries(Object.entries(rest).filter(([key]) => !key.startsWith('sig_'))) as Omit<
          VisitorState,
          'photo' | 'undone_exits' | 'details_version' | 'signature'
        >),
        signature:
          png === null
            ? null
            : {
                agreement_id: sig_agreement_id as number,
                version: sig_version as number,
                title: sig_title as string,
                sha256: sig_sha256 as string,
                signed_at: sig_signed_at as number,
                name: sig_name as string,
                mobile: sig_mobile as string,
                png_sha256: createHash('sha256').update(png).digest('hex'),
                bytes: png.length,
              },
        undone_exits: undone_exits === null ? [] : (JSON.parse(undone_exits as string) as number[]),
        photo:
          format === null
            ? null
            : {
                format: format as NonNullable<VisitorState['photo']>['format'],
                width: width as number,
                height: height as number,
                bytes: bytes as number,
                thumbhash: (thumbhash as Buffer).toString('base64'),
              },
      };
    },
    host(visiteeNo: number): StateOf<'host'> | undefined {
      const row = host.get(visiteeNo);
      return row && { ...row, active: row.active === 1 };
    },
    /** An account without its field versions (site/convergence.ts adds them). */
    account(userId: number): Omit<StateOf<'account'>, 'versions'> | undefined {
      const row = account.get(userId);
      return row && { ...row, active: row.active === 1 };
    },
    setting(key: string): StateOf<'setting'> | undefined {
      const row = setting.get(key);
      return row && { key: row.key, value: JSON.parse(row.value) as unknown };
    },
    expected: (expectedId: number): StateOf<'expected'> | undefined => expected.get(expectedId),
    desk: (deskId: string): DeskState | undefined => desk.get(deskId),
    roll: (evacuationId: number): RollState | undefined => roll.get(evacuationId),
    /** One person on one roll, by the key the change log names them with (`<roll>/<visitor>`). */
    mark(key: string): MarkState | undefined {
      const [rollId, visitorId] = key.split('/');
      return mark.get(Number(rollId), visitorId ?? '');
    },

    writeHost(state: StateOf<'host'>): void {
      upsertHost.run({ ...state, active: state.active ? 1 : 0 });
    },
    writeAccount(state: Omit<StateOf<'account'>, 'versions'>): void {
      upsertAccount.run({
        id: state.id,
        username: state.username,
        password_hash: state.password_hash,
        role: state.role,
        active: state.active ? 1 : 0,
        created_at: state.created_at,
      });
    },
    /** The account that has a username here, if any. */
    accountNamed: (username: string): { id: number; username: string } | undefined => named.get(username),
    renameAccount(userId: number, username: string): void {
      rename.run(username, userId);
    },
    /** Ends every session of the account on this desk. */
    endSessions(userId: number, now: number): void {
      endTokens.run(now, userId);
    },
    writeSetting(key: string, state: StateOf<'setting'> | null): void {
      if (state === null) removeSetting.run(key);
      else upsertSetting.run(key, JSON.stringify(state.value));
    },
    writeExpected(state: StateOf<'expected'>): void {
      upsertExpected.run(state);
    },
    /** A roll as it starts, or its close: when it started and who started it never change. */
    writeRoll(state: RollState): void {
      upsertRoll.run(state);
    },
    writeMark(state: MarkState): void {
      upsertMark.run(state);
    },
    writeDesk(state: DeskState, fingerprint: string): void {
      upsertDesk.run({ ...state, fingerprint });
    },
    /** When a visitor erased at two desks apart was erased: the first of the two, everywhere. */
    setErasedAt(visitorId: string, at: number): void {
      setErasedAt.run(at, visitorId);
    },
    /** Makes the lowest-numbered admin active when the site has admins and none is. */
    keepAnAdmin(): void {
      keepAdmin.run();
    },
    setExit(visitorId: string, exit: { exit_at: number | null; exit_kind: string | null }, undone: number[]): void {
      setExit.run(exit.exit_at, exit.exit_kind, undone.length === 0 ? null : JSON.stringify(undone), visitorId);
    },
  };
}

export type ReplicaRepository = ReturnType<typeof replicaRepository>;
