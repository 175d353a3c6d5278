import type { Db } from '../connection';

export interface DeskRow {
  desk_id: string;
  name: string;
  fingerprint: string;
  certificate: string;
  address: string | null;
  revoked_at: number | null;
  address_override: string | null;
  last_heard_at: number | null;
  their_vector: string | null;
}

/** The site this desk belongs to, its desks, and the join codes it handed out (db/migrations/009-site-desks.ts). */
export function siteRepository(db: Db) {
  const site = db.prepare<[], { site_id: string; name: string }>('SELECT site_id, name FROM site');
  const insertSite = db.prepare<[string, string]>('INSERT INTO site (one, site_id, name) VALUES (1, ?, ?)');
  const desks = db.prepare<[], DeskRow>('SELECT * FROM desks ORDER BY name COLLATE NOCASE, desk_id');
  const desk = db.prepare<[string], DeskRow>('SELECT * FROM desks WHERE desk_id = ?');
  const byFingerprint = db.prepare<[string], DeskRow>('SELECT * FROM desks WHERE fingerprint = ?');
  const insertDesk = db.prepare<[Omit<DeskRow, 'revoked_at' | 'address_override' | 'last_heard_at' | 'their_vector'>]>(
    `INSERT INTO desks (desk_id, name, fingerprint, certificate, address)
     VALUES (@desk_id, @name, @fingerprint, @certificate, @address)`,
  );
  const setAddress = db.prepare<[string, string]>('UPDATE desks SET address = ? WHERE desk_id = ?');
  const setOverride = db.prepare<[string, string]>('UPDATE desks SET address_override = ? WHERE desk_id = ?');
  const heard = db.prepare<[number, string]>('UPDATE desks SET last_heard_at = ? WHERE desk_id = ?');
  const setVector = db.prepare<[string, string]>('UPDATE desks SET their_vector = ? WHERE desk_id = ?');
  const revoke = db.prepare<[number, string]>(
    'UPDATE desks SET revoked_at = coalesce(revoked_at, ?) WHERE desk_id = ?',
  );
  const addCode = db.prepare<[Buffer, number]>('INSERT INTO join_codes (code_hash, expires_at) VALUES (?, ?)');
  const useCode = db.prepare<[number, Buffer, number]>(
    'UPDATE join_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?',
  );
  const dropExpiredCodes = db.prepare<[number]>('DELETE FROM join_codes WHERE expires_at < ?');
  const idBase = db.prepare<[], number>('SELECT id_base FROM this_desk').pluck();
  const setIdBase = db.prepare<[number]>('UPDATE this_desk SET id_base = ?');
  const recordCount = db
    .prepare<[], number>('SELECT (SELECT count(*) FROM visitors) + (SELECT count(*) FROM evacuations)')
    .pluck();

  return {
    site: () => site.get(),
    createSite: (siteId: string, name: string): void => {
      insertSite.run(siteId, name);
    },
    desks: (): DeskRow[] => desks.all(),
    desk: (deskId: string): DeskRow | undefined => desk.get(deskId),
    byFingerprint: (fingerprint: string): DeskRow | undefined => byFingerprint.get(fingerprint),
    addDesk: (row: Omit<DeskRow, 'revoked_at' | 'address_override' | 'last_heard_at' | 'their_vector'>): void => {
      insertDesk.run(row);
    },
    setAddress: (deskId: string, address: string): void => {
      setAddress.run(address, deskId);
    },
    setAddressOverride: (deskId: string, address: string): void => {
      setOverride.run(address, deskId);
    },
    heardFrom: (deskId: string, at: number): void => {
      heard.run(at, deskId);
    },
    /** The change numbers a desk said it had, when it last asked this desk for more. */
    theyHave: (deskId: string, have: Record<string, number>): void => {
      setVector.run(JSON.stringify(have), deskId);
    },
    revoke: (deskId: string, at: number): void => {
      revoke.run(at, deskId);
    },
    addJoinCode: (hash: Buffer, expiresAt: number, now: number): void => {
      dropExpiredCodes.run(now);
      addCode.run(hash, expiresAt);
    },
    /** Uses a code once: false when it is unknown, used or expired. */
    useJoinCode: (hash: Buffer, now: number): boolean => useCode.run(now, hash, now).changes === 1,
    idBase: (): number => idBase.get()!,
    setIdBase: (base: number): void => {
      setIdBase.run(base);
    },
    recordCount: (): number => recordCount.get()!,
    /**
     * Before joining a site: what this desk set up alone (accounts, hosts, settings, expected
     * visits, the change log) gives way to the site's, which the join brings. A desk with
     * visitors never joins (site/site-service.ts refuses), so no visit is lost.
     */
    clearForJoin(): void {
      db.exec(`
        DELETE FROM tokens; DELETE FROM expected_visits; DELETE FROM settings;
        UPDATE visitors SET created_by = NULL; DELETE FROM users; DELETE FROM visitees;
        DELETE FROM change_log; DELETE FROM versions; DELETE FROM temp.touched;`);
    },
  };
}

export type SiteRepository = ReturnType<typeof siteRepository>;
