/** Which unit a caller acts for when a request names one, or leaves it to the caller's own. */
import { DomainError } from '../domain/errors.js';
import { requireInScope, type UnitScope } from '../domain/unit-scope.js';
import type { Principal } from './principal.js';

/**
 * The unit a new case belongs to: the one asked for (inside the caller's scope, else 403
 * OUT_OF_SCOPE), else the caller's own when it has exactly one. Unscoped callers (admin,
 * integration) and callers of several units must name it: 422 UNIT_REQUIRED.
 */
export function unitToActFor(principal: Principal, scope: UnitScope, asked: string | undefined, field = 'unitId'): string {
  if (asked) {
    requireInScope(scope, asked, field);
    return asked;
  }
  const own = [...new Set(principal.unitIds)];
  if (!scope.all && own.length === 1) return own[0] as string;
  throw new DomainError(
    'UNIT_REQUIRED',
    own.length > 1
      ? `this key works for several units: name one in '${field}' (khóa này thuộc nhiều đơn vị: hãy chỉ rõ '${field}')`
      : `name the unit the case belongs to in '${field}' (hãy chỉ rõ đơn vị trong '${field}')`,
    422,
    { field, units: own },
  );
}
