/**
 * Unit isolation rules shared by every feature: which units a caller's scope covers, which
 * units a case belongs to, and the one refusal for acting or filtering outside the scope.
 */
import type { CaseDoc } from './case.js';
import { DomainError } from './errors.js';

/** Units a caller may see and act for: all, or a list (their units, plus those below for supervisors and leaders). */
export type UnitScope = { all: true } | { all: false; unitIds: string[] };

/** True when `unitId` is inside `scope`. */
export function unitInScope(scope: UnitScope, unitId: string | null | undefined): boolean {
  if (scope.all) return true;
  return unitId != null && scope.unitIds.includes(unitId);
}

/** The units a case is visible to: every unit a dossier passed through, else the case's own unit. */
export function caseUnitIds(doc: Pick<CaseDoc, 'dossier' | 'unitId'>): string[] {
  if (doc.dossier) return doc.dossier.unitIds;
  return doc.unitId ? [doc.unitId] : [];
}

/** True when the caller's scope covers one of the case's units (a case without unit: unscoped callers only). */
export function caseInScope(doc: Pick<CaseDoc, 'dossier' | 'unitId'>, scope: UnitScope): boolean {
  return scope.all || caseUnitIds(doc).some((id) => scope.unitIds.includes(id));
}

/** 403 OUT_OF_SCOPE: the caller named a unit (to act for, or to filter on) outside its scope. */
export function outOfScope(field: string, unitId: string, why = ''): DomainError {
  const message = `${field} '${unitId}' is outside the units this key works for (ngoài phạm vi đơn vị của khóa này)${why}`;
  return new DomainError('OUT_OF_SCOPE', message, 403, { field, unitId });
}

/** Throws 403 OUT_OF_SCOPE unless `unitId` is inside `scope`; passes when `unitId` is absent. */
export function requireInScope(scope: UnitScope, unitId: string | null | undefined, field: string): void {
  if (unitId != null && !unitInScope(scope, unitId)) throw outOfScope(field, unitId);
}

/** The units a listing may cover: the filter (checked against the scope), or the whole scope; null = every unit. */
export function unitsToList(scope: UnitScope, unitId: string | undefined, field = 'unitId'): string[] | null {
  requireInScope(scope, unitId, field);
  if (unitId) return [unitId];
  return scope.all ? null : scope.unitIds;
}
