/**
 * Which units may take part in a dossier's receipt and transfer (issue 7 §3), from the
 * caller's scope and the procedure's process properties (docs/access-control.md):
 *   receiptAcrossBoundaries = true   receipt regardless of administrative boundary (phi địa giới)
 *   processingUnits = a, b           the units that may process it (absent: any active unit)
 *   transferUnits = a, b             the units it may be transferred to (absent: any active unit)
 */
import { unprocessable } from '../domain/errors.js';
import { outOfScope, requireInScope, unitInScope, type UnitScope } from '../domain/unit-scope.js';

export const RECEIPT_ACROSS_BOUNDARIES = 'receiptAcrossBoundaries';
export const PROCESSING_UNITS = 'processingUnits';
export const TRANSFER_UNITS = 'transferUnits';

/** A comma- or space-separated list of unit ids; null when the property is absent or empty. */
export function unitList(properties: Record<string, string>, name: string): string[] | null {
  const list = (properties[name] ?? '').split(/[\s,;]+/).filter(Boolean);
  return list.length > 0 ? list : null;
}

/**
 * The receiving unit must be the caller's. The processing unit must be one the procedure
 * allows, and a unit outside the caller's scope only where the procedure allows receipt
 * regardless of administrative boundary.
 */
export function checkReceiptUnits(
  scope: UnitScope,
  units: { receivingUnitId: string; processingUnitId: string },
  properties: Record<string, string>,
): void {
  requireInScope(scope, units.receivingUnitId, 'receivingUnitId');
  const allowed = unitList(properties, PROCESSING_UNITS);
  if (allowed && !allowed.includes(units.processingUnitId)) {
    throw unprocessable(
      'PROCESSING_UNIT_NOT_ALLOWED',
      `processingUnitId '${units.processingUnitId}' does not process this procedure (đơn vị này không giải quyết thủ tục): one of ${allowed.join(', ')}`,
      { field: 'processingUnitId', unitId: units.processingUnitId, allowed },
    );
  }
  const elsewhere = units.processingUnitId !== units.receivingUnitId && !unitInScope(scope, units.processingUnitId);
  if (elsewhere && properties[RECEIPT_ACROSS_BOUNDARIES] !== 'true') {
    throw outOfScope(
      'processingUnitId',
      units.processingUnitId,
      '; the procedure does not allow receipt regardless of administrative boundary (thủ tục không cho phép tiếp nhận phi địa giới)',
    );
  }
}

/** A transfer leaves the caller's unit (the dossier's current one) for a unit the procedure allows. */
export function checkTransferUnits(scope: UnitScope, units: { fromUnitId: string; toUnitId: string }, properties: Record<string, string>): void {
  requireInScope(scope, units.fromUnitId, 'currentUnitId');
  const allowed = unitList(properties, TRANSFER_UNITS);
  if (allowed && !allowed.includes(units.toUnitId)) {
    throw unprocessable(
      'TRANSFER_UNIT_NOT_ALLOWED',
      `toUnitId '${units.toUnitId}' is not a unit this procedure may be transferred to (thủ tục không liên thông tới đơn vị này): one of ${allowed.join(', ')}`,
      { field: 'toUnitId', unitId: units.toUnitId, allowed },
    );
  }
}
