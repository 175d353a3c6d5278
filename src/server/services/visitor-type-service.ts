import {
  DEFAULT_TYPE_ID,
  type VisitorType,
  type VisitorTypeFields,
  type VisitorTypePatch,
} from '../../shared/visitor-types';
import { ApiError } from '../api-error';
import type { AgreementsRepository } from '../db/repositories/agreements';
import type { VisitorTypesRepository } from '../db/repositories/visitor-types';
import type { Writes } from './unit-of-work';

/** Visitor types (API contract Part 5): made and changed by admins, never removed. */
export function visitorTypeService(deps: {
  types: VisitorTypesRepository;
  agreements: AgreementsRepository;
  writes: Writes;
}) {
  const { types, agreements, writes } = deps;

  function get(typeId: number): VisitorType {
    const type = types.byId(typeId);
    if (!type) throw new ApiError('3404', `There is no visitor type ${typeId}.`);
    return type;
  }

  function checkFields(fields: Partial<VisitorTypeFields>, typeId = 0): void {
    if (fields.name !== undefined && types.nameTaken(fields.name, typeId)) {
      throw new ApiError('2409', `There is already a visitor type called ${fields.name}.`, { field: 'name' });
    }
    if (fields.agreement_id != null && !agreements.row(fields.agreement_id)) {
      throw new ApiError('3404', `There is no agreement ${fields.agreement_id}.`, { field: 'agreement_id' });
    }
  }

  function create(fields: VisitorTypeFields, userId: number): VisitorType {
    const typeId = writes.run((unit) => {
      checkFields(fields);
      const id = types.insert(fields);
      unit.audit({ action: 'type.update', userId, detail: `Added the type ${fields.name}` });
      return id;
    });
    return get(typeId);
  }

  function change(typeId: number, patch: VisitorTypePatch, userId: number): VisitorType {
    writes.run((unit) => {
      const current = get(typeId);
      checkFields(patch, typeId);
      if (patch.active === false && typeId === DEFAULT_TYPE_ID) {
        throw new ApiError('2409', `${current.name} is the type of a check-in that names none; it stays active.`, {
          field: 'active',
        });
      }
      const sent = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      types.update({ ...current, ...sent });
      const changed = Object.keys(sent).join(', ');
      unit.audit({ action: 'type.update', userId, detail: `Changed the type ${current.name}: ${changed}` });
    });
    return get(typeId);
  }

  /**
   * The type a check-in names, active (3404 otherwise: an inactive type is not offered),
   * with its agreement's current version when it has one.
   */
  function forCheckIn(typeId: number | undefined): VisitorType {
    const type = types.byId(typeId ?? DEFAULT_TYPE_ID);
    if (!type || !type.active) {
      throw new ApiError('3404', `There is no visitor type ${typeId} that can be checked in.`, { field: 'type_id' });
    }
    return type;
  }

  return { all: types.all, get, create, change, forCheckIn };
}

export type VisitorTypeService = ReturnType<typeof visitorTypeService>;
