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
