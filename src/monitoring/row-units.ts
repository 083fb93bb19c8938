import { requireInScope, type UnitScope } from '../domain/unit-scope.js';
import { ALL_UNITS } from './rollup.js';

/**
 * Whose monitoring rows a figure reads: the asked unit (403 outside the scope), the province
 * rows (ALL_UNITS) for an unscoped caller, else each unit of the scope.
 */
export function rowUnits(scope: UnitScope, unitId: string | undefined): string[] {
  requireInScope(scope, unitId, 'unitId');
  return unitId ? [unitId] : scope.all ? [ALL_UNITS] : scope.unitIds;
}

/**
 * A scope that holds every unit of the register (a province supervisor) reads as the province:
 * the same rows through the province key, one read instead of one per unit.
 */
export async function widened(scope: UnitScope, unitId: string | undefined, allUnitIds?: () => Promise<string[]>): Promise<UnitScope> {
  // The unit filter is checked against the scope as it is (403 outside it), then widened.
  requireInScope(scope, unitId, 'unitId');
  if (scope.all || !allUnitIds) return scope;
  const mine = new Set(scope.unitIds);
  return (await allUnitIds()).every((id) => mine.has(id)) ? { all: true } : scope;
}
