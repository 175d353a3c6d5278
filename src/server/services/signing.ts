import type { CheckInFields } from '../../shared/visitor-fields';
import type { VisitorType } from '../../shared/visitor-types';
import { ApiError } from '../api-error';
import type { AgreementsRepository, SignatureRow } from '../db/repositories/agreements';
import type { VisitorsRepository } from '../db/repositories/visitors';
import { isVisitorId } from '../ids';
import { checkSignature } from '../media/signature';
import type { AgreementService } from './agreement-service';
import { personKey } from './person-keys';

type Person = Pick<CheckInFields, 'name' | 'mobile'>;

/**
 * The agreement a check-in signs (API contract Part 5). `prepare` checks everything before
 * anything is written: the version the visitor read is current, and the signature is a PNG
 * with strokes, or (for a returning visitor) they signed this version before. What it gives
 * back writes the signature in the check-in's own unit, after checking the version once more:
 * an agreement changed while the photo was being stored refuses the check-in whole.
 */
export function signing(deps: {
  agreements: AgreementsRepository;
  service: Pick<AgreementService, 'versionToSign'>;
  visitors: Pick<VisitorsRepository, 'byId'>;
}) {
  const { agreements, service } = deps;

  /** An earlier signature of this version by the same person, for a returning visitor. */
  function earlierSignature(person: Person, returningId: string, agreementId: number, version: number): SignatureRow {
    const earlier = isVisitorId(returningId) ? deps.visitors.byId(returningId) : undefined;
    if (
      !earlier ||
      earlier.erased_at !== null ||
      personKey(earlier.name, earlier.mobile) !== personKey(person.name, person.mobile)
    ) {
      throw new ApiError('3404', 'returning_id names no earlier visit of this person (same name and mobile).', {
        field: 'returning_id',
      });
    }
    const signed = agreements.signedBy(person, agreementId, version);
    if (!signed) {
      throw new ApiError('2200', 'signature is required: they have not signed this version of the agreement.', {
        field: 'signature',
      });
    }
    return signed;
  }

  async function prepare(
    type: VisitorType,
    person: Person,
    options: {
      signature?: Buffer | undefined;
      agreementVersion?: number | undefined;
      returningId?: string | undefined;
    },
  ) {
    if (type.agreement_id === null) {
      // A signature for a type that signs nothing would be dropped without a word: refused instead.
      if (options.signature || options.agreementVersion !== undefined) {
        throw new ApiError('2400', `A ${type.name} signs no agreement: send no signature or agreement_version.`, {
          field: 'signature',
        });
      }
      return undefined;
    }
    const agreementId = type.agreement_id;
    const version = service.versionToSign(agreementId, options.agreementVersion);
    let earlier: SignatureRow | undefined;
    let png: Buffer | undefined;
    if (options.signature) png = await checkSignature(options.signature);
    else if (options.returningId) earlier = earlierSignature(person, options.returningId, agreementId, version.version);
    else {
      throw new ApiError('2200', `signature is required: a ${type.name} signs ${version.title}.`, {
        field: 'signature',
      });
    }
    return {
      record(visitorId: string, fields: Person, at: number): void {
        service.versionToSign(agreementId, version.version);
        agreements.addSignature(
          earlier
            ? // Their earlier signature, under the name and mobile of this visit: the copy holds
              // nothing of the earlier visit but the strokes, so erasing that visit leaves no name here.
              { ...earlier, visitor_id: visitorId, name: fields.name, mobile: fields.mobile }
            : {
                visitor_id: visitorId,
                agreement_id: agreementId,
                version: version.version,
                title: version.title,
                sha256: version.sha256,
                signed_at: at,
                name: fields.name,
                mobile: fields.mobile,
                png: png!,
              },
        );
      },
    };
  }

  return { prepare };
}

export type Signing = ReturnType<typeof signing>;
