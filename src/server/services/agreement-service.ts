import { createHash } from 'node:crypto';
import type { Agreement, AgreementPatch, NewAgreement } from '../../shared/agreements';
import { ApiError } from '../api-error';
import { redrawSignature } from '../media/signature';
import type { AgreementsRepository, AgreementVersionRow } from '../db/repositories/agreements';
import { isVisitorId } from '../ids';
import { formatLocalTime } from '../time-format';
import type { Writes } from './unit-of-work';

/** Every version travels with its agreement between desks (site/protocol.ts): a bound keeps that small. */
const MAX_VERSIONS = 100;

const sha256Of = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const toAgreement = (row: AgreementVersionRow): Agreement => ({
  agreement_id: row.agreement_id,
  version: row.version,
  title: row.title,
  text: row.text,
  sha256: row.sha256,
  time: formatLocalTime(row.created_at),
});

/**
 * Agreements (API contract Part 5): a change is always a new version, so a version someone
 * signed is never changed; a signed copy is made from the signature and the text it names.
 */
export function agreementService(deps: { agreements: AgreementsRepository; writes: Writes; now: () => number }) {
  const { agreements, writes, now } = deps;

  function current(agreementId: number): Agreement {
    const row = agreements.current(agreementId);
    if (!row) throw new ApiError('3404', `There is no agreement ${agreementId}.`);
    return toAgreement(row);
  }

  function create(fields: NewAgreement, userId: number): Agreement {
    const agreementId = writes.run((unit) => {
      const id = agreements.create({ ...fields, sha256: sha256Of(fields.text), created_at: now() });
      unit.audit({ action: 'agreement.update', userId, detail: `Added the agreement ${fields.title}` });
      return id;
    });
    return current(agreementId);
  }

  function change(agreementId: number, patch: AgreementPatch, userId: number): Agreement {
    writes.run((unit) => {
      const was = current(agreementId);
      const title = patch.title ?? was.title;
      const text = patch.text ?? was.text;
      // Nothing new: no version is made for the same words.
      if (title === was.title && text === was.text) return;
      if (agreements.versionCount(agreementId) >= MAX_VERSIONS) {
        throw new ApiError(
          '2409',
          `${was.title} has ${MAX_VERSIONS} versions, the most one agreement keeps: add a new agreement instead.`,
        );
      }
      const version = agreements.addVersion({
        agreement_id: agreementId,
        title,
        text,
        sha256: sha256Of(text),
        created_at: now(),
      });
      unit.audit({ action: 'agreement.update', userId, detail: `${title}: version ${version}` });
    });
    return current(agreementId);
  }

  /**
   * The check a check-in of a type with an agreement makes: the version the visitor read is
   * the current one (2409 when it changed while they signed: the desk reloads the text).
   */
  function versionToSign(agreementId: number, version: number | undefined): AgreementVersionRow {
    const row = agreements.current(agreementId);
    if (!row) throw new ApiError('3404', `There is no agreement ${agreementId}.`, { field: 'agreement_version' });
    if (version === undefined) {
      throw new ApiError('2200', 'agreement_version is required: the version of the agreement the visitor read.', {
        field: 'agreement_version',
      });
    }
    if (version !== row.version) {
      throw new ApiError(
        '2409',
        `${row.title} changed while the visitor was signing (now version ${row.version}, signed ${version}): have them read it again.`,
        { field: 'agreement_version' },
      );
    }
    return row;
  }

  /** The signed copy of a visitor's agreement as a PDF; every view is audited. */
  async function signedCopy(visitorId: string, userId: number, options: { audited: boolean }): Promise<Buffer> {
    const signature = isVisitorId(visitorId) ? agreements.signatureOf(visitorId) : undefined;
    if (!signature) throw new ApiError('3404', 'That visitor has no signed agreement.');
    const text = agreements.textOf(signature.sha256) ?? '(The text of this version is not on this desk.)';
    // Drawn again from its pixels whatever desk it came from: the PDF library reads a PNG's every chunk.
    const png = await redrawSignature(signature.png).catch(() => null);
    // The PDF library and its fonts (28 MiB resident) are loaded the first time a copy is asked for, not at start.
    const { renderSignedCopy } = await import('../agreements/signed-copy');
    const pdf = await renderSignedCopy({
      title: signature.title,
      version: signature.version,
      sha256: signature.sha256,
      text,
      name: signature.name,
      mobile: signature.mobile,
      signedAt: signature.signed_at,
      visitorId,
      signature: png,
    });
    // Recorded once the copy exists, and only if the visitor was not erased meanwhile; a HEAD shows nothing.
    if (!options.audited) return pdf;
    writes.run((unit) => {
      if (!agreements.signatureOf(visitorId)) throw new ApiError('3404', 'That visitor has no signed agreement.');
      unit.audit({ action: 'agreement.view', userId, visitorId });
    });
    return pdf;
  }

  return {
    all: (): Agreement[] => agreements.all().map(toAgreement),
    current,
    versions: (agreementId: number): Agreement[] => {
      current(agreementId);
      return agreements.versions(agreementId).map(toAgreement);
    },
    create,
    change,
    versionToSign,
    signedCopy,
    /** The PNG a visitor signed with, for another desk of the site (site/peer-server.ts). */
    signaturePng: (visitorId: string): Buffer | undefined => agreements.signatureOf(visitorId)?.png,
  };
}

export type AgreementService = ReturnType<typeof agreementService>;
