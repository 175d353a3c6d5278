import type { Db } from '../connection';
import { nextOwnNumber } from '../own-numbers';
import { personKey } from '../../services/person-keys';

export interface AgreementVersionRow {
  agreement_id: number;
  version: number;
  title: string;
  sha256: string;
  text: string;
  created_at: number;
}

export interface SignatureRow {
  visitor_id: string;
  agreement_id: number;
  version: number;
  title: string;
  sha256: string;
  signed_at: number;
  name: string;
  mobile: string;
  png: Buffer;
}

/** An agreement as stored: its current version, and every version it had. */
export interface AgreementRow {
  agreement_id: number;
  title: string;
  version: number;
  sha256: string;
  created_at: number;
}

/**
 * Agreements, their versions and texts, and visitors' signatures (db/migrations/013-checkin-flows.ts).
 * A version is only ever added, never changed.
 */
export function agreementsRepository(db: Db) {
  const current = db.prepare<[], AgreementVersionRow>(
    `SELECT a.agreement_id, a.version, a.title, a.sha256, t.text, a.created_at
       FROM agreements a JOIN agreement_texts t ON t.sha256 = a.sha256 ORDER BY a.title COLLATE NOCASE, a.agreement_id`,
  );
  const one = db.prepare<[number], AgreementVersionRow>(
    `SELECT a.agreement_id, a.version, a.title, a.sha256, t.text, a.created_at
       FROM agreements a JOIN agreement_texts t ON t.sha256 = a.sha256 WHERE a.agreement_id = ?`,
  );
  const row = db.prepare<[number], AgreementRow>(
    'SELECT agreement_id, title, version, sha256, created_at FROM agreements WHERE agreement_id = ?',
  );
  const versions = db.prepare<[number], AgreementVersionRow>(
    `SELECT v.agreement_id, v.version, v.title, v.sha256, t.text, v.created_at
       FROM agreement_versions v JOIN agreement_texts t ON t.sha256 = v.sha256
      WHERE v.agreement_id = ? ORDER BY v.version, v.sha256, v.title`,
  );
  const versionCount = db
    .prepare<[number], number>('SELECT count(*) FROM agreement_versions WHERE agreement_id = ?')
    .pluck();
  const lastVersion = db
    .prepare<[number], number>('SELECT coalesce(max(version), 0) FROM agreement_versions WHERE agreement_id = ?')
    .pluck();
  const addText = db.prepare<[string, string]>(
    'INSERT INTO agreement_texts (sha256, text) VALUES (?, ?) ON CONFLICT DO NOTHING',
  );
  const insertAgreement = db
    .prepare<[Omit<AgreementRow, 'agreement_id'>], number>(
      `INSERT INTO agreements (agreement_id, title, version, sha256, created_at)
       VALUES (${nextOwnNumber('agreements', 'agreement_id')}, @title, @version, @sha256, @created_at)
       RETURNING agreement_id`,
    )
    .pluck();
  // Not an upsert: its UPDATE would note the agreement a second time in the unit (the version's
  // row noted it already), and an upsert's conflict rule overrides the change-log trigger's IGNORE.
  const addAgreement = db.prepare<[AgreementRow]>(
    `INSERT INTO agreements (agreement_id, title, version, sha256, created_at)
     VALUES (@agreement_id, @title, @version, @sha256, @created_at) ON CONFLICT DO NOTHING`,
  );
  const setCurrent = db.prepare<[AgreementRow]>(
    `UPDATE agreements SET title = @title, version = @version, sha256 = @sha256, created_at = @created_at
      WHERE agreement_id = @agreement_id`,
  );
  const putAgreement = (row: AgreementRow): void => {
    addAgreement.run(row);
    setCurrent.run(row);
  };
  const addVersion = db.prepare<[Omit<AgreementVersionRow, 'text'>]>(
    `INSERT INTO agreement_versions (agreement_id, version, sha256, title, created_at)
     VALUES (@agreement_id, @version, @sha256, @title, @created_at) ON CONFLICT DO NOTHING`,
  );
  const SIGNATURE = 'visitor_id, agreement_id, version, title, sha256, signed_at, name, mobile, png';
  const signatureOf = db.prepare<[string], SignatureRow>(`SELECT ${SIGNATURE} FROM signatures WHERE visitor_id = ?`);
  const insertSignature = db.prepare<[SignatureRow & { person_key: string }]>(
    `INSERT INTO signatures (${SIGNATURE}, person_key)
     VALUES (@visitor_id, @agreement_id, @version, @title, @sha256, @signed_at, @name, @mobile, @png, @person_key)`,
  );
  const signedBy = db.prepare<[string, number, number], SignatureRow>(
    `SELECT ${SIGNATURE} FROM signatures WHERE person_key = ? AND agreement_id = ? AND version = ?
      ORDER BY signed_at DESC LIMIT 1`,
  );
  const versionsSigned = db.prepare<[string], { agreement_id: number; version: number }>(
    `SELECT agreement_id, max(version) AS version FROM signatures WHERE person_key = ?
      GROUP BY agreement_id ORDER BY agreement_id`,
  );
  const deleteSignature = db.prepare<[string]>('DELETE FROM signatures WHERE visitor_id = ?');
  const textOf = db.prepare<[string], string>('SELECT text FROM agreement_texts WHERE sha256 = ?').pluck();

  /** Adds a version: its text (kept once by its hash) and its row. */
  function writeVersion(version: AgreementVersionRow): void {
    addText.run(version.sha256, version.text);
    addVersion.run({
      agreement_id: version.agreement_id,
      version: version.version,
      sha256: version.sha256,
      title: version.title,
      created_at: version.created_at,
    });
  }

  return {
    /** Every agreement at its current version. */
    all: (): AgreementVersionRow[] => current.all(),
    current: (agreementId: number): AgreementVersionRow | undefined => one.get(agreementId),
    row: (agreementId: number): AgreementRow | undefined => row.get(agreementId),
    versions: (agreementId: number): AgreementVersionRow[] => versions.all(agreementId),
    /** How many versions it has, without reading their texts. */
    versionCount: (agreementId: number): number => versionCount.get(agreementId)!,
    /** A new agreement at version 1; its number. */
    create(version: Omit<AgreementVersionRow, 'agreement_id' | 'version'>): number {
      const agreementId = insertAgreement.get({
        title: version.title,
        version: 1,
        sha256: version.sha256,
        created_at: version.created_at,
      })!;
      writeVersion({ ...version, agreement_id: agreementId, version: 1 });
      return agreementId;
    },
    /** The agreement's next version, made current; its number. */
    addVersion(version: Omit<AgreementVersionRow, 'version'>): number {
      const next = lastVersion.get(version.agreement_id)! + 1;
      writeVersion({ ...version, version: next });
      putAgreement({
        agreement_id: version.agreement_id,
        title: version.title,
        version: next,
        sha256: version.sha256,
        created_at: version.created_at,
      });
      return next;
    },
    /** Another desk's state: the versions it holds are added, and its current one taken as given. */
    write(agreement: AgreementRow, all: AgreementVersionRow[]): void {
      putAgreement(agreement);
      for (const version of all) writeVersion(version);
    },
    textOf: (sha256: string): string | undefined => textOf.get(sha256),
    signatureOf: (visitorId: string): SignatureRow | undefined => signatureOf.get(visitorId),
    addSignature: (signature: SignatureRow): void => {
      insertSignature.run({ ...signature, person_key: personKey(signature.name, signature.mobile) });
    },
    /** The latest signature of this version of an agreement by a person (by name and mobile). */
    signedBy: (person: { name: string; mobile: string }, agreementId: number, version: number) =>
      signedBy.get(personKey(person.name, person.mobile), agreementId, version),
    /** The latest version of each agreement a person signed. */
    versionsSigned: (person: { name: string; mobile: string }) =>
      versionsSigned.all(personKey(person.name, person.mobile)),
    removeSignature: (visitorId: string): boolean => deleteSignature.run(visitorId).changes === 1,
  };
}

export type AgreementsRepository = ReturnType<typeof agreementsRepository>;
