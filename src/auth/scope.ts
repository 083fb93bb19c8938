import type { UnitScope } from '../domain/unit-scope.js';
import { ROLES_SEEING_ALL_UNITS, ROLES_SEEING_DESCENDANTS } from './permissions.js';
import type { Principal } from './principal.js';

export { unitInScope as inScope, type UnitScope } from '../domain/unit-scope.js';

export type ScopeOf = (principal: Principal) => Promise<UnitScope>;

/**
 * admin, analyst, integration: every unit. supervisor, leader: their units and every unit
 * below them. desk-officer, specialist: only their own units.
 */
export function createScopeOf(units: { descendantsOf(unitIds: Iterable<string>): Promise<Set<string>> }): ScopeOf {
  return async (principal) => {
    if (ROLES_SEEING_ALL_UNITS.includes(principal.role)) return { all: true };
    if (ROLES_SEEING_DESCENDANTS.includes(principal.role)) {
      return { all: false, unitIds: [...(await units.descendantsOf(principal.unitIds))].sort() };
    }
    return { all: false, unitIds: [...new Set(principal.unitIds)].sort() };
  };
}
