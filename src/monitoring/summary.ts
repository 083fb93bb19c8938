import { requireInScope, type UnitScope } from '../domain/unit-scope.js';
import { COUNTERS } from './rollup.js';
import { zeroTotals as zero, type RollupStore, type Totals } from './rollup-store.js';

export interface Figures extends Totals {
  finished: number;
  /** (early + on time) / finished, as provinces publish it; null when nothing finished. */
  onTimeRate: number | null;
}

export interface SummaryFilter { from: string; to: string; unitId?: string; procedureKey?: string }

export function figures(t: Totals): Figures {
  const finished = t.early + t.onTime + t.late;
  return { ...t, finished, onTimeRate: finished ? Math.round(((t.early + t.onTime) / finished) * 1000) / 1000 : null };
}

function addInto(into: Totals, t: Totals): void {
  for (const k of COUNTERS) into[k] += t[k];
}

/** Totals and breakdowns from rows keyed `<unitId>|<procedureKey>` (pure). */
export function summarize(rows: Map<string, Totals>, procedureKey?: string) {
  const total = zero();
  const byUnit = new Map<string, Totals>();
  const byProcedure = new Map<string, Totals>();
  const byUnitProcedure: { unitId: string; procedureKey: string; figures: Figures }[] = [];
  for (const [key, t] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
    const [unitId, proc] = key.split('|') as [string, string];
    if (procedureKey && proc !== procedureKey) continue;
    addInto(total, t);
    addInto(byUnit.get(unitId) ?? byUnit.set(unitId, zero()).get(unitId)!, t);
    addInto(byProcedure.get(proc) ?? byProcedure.set(proc, zero()).get(proc)!, t);
    byUnitProcedure.push({ unitId, procedureKey: proc, figures: figures(t) });
  }
  return {
    totals: figures(total),
    byUnit: [...byUnit].map(([unitId, t]) => ({ unitId, figures: figures(t) })),
    byProcedure: [...byProcedure].map(([key, t]) => ({ procedureKey: key, figures: figures(t) })),
    byUnitProcedure,
  };
}

/**
 * The summary for a scope: a unitId filter outside it answers 403 OUT_OF_SCOPE; `allUnits`
 * lists every unit for unscoped callers. Cost: rollup rows of the units asked, not dossiers.
 */
export async function monitoringSummary(store: RollupStore, scope: UnitScope, filter: SummaryFilter, allUnits: () => Promise<string[]>) {
  requireInScope(scope, filter.unitId, 'unitId');
  const units = filter.unitId ? [filter.unitId] : scope.all ? await allUnits() : scope.unitIds;
  const rows = await store.totals(units, filter.from, filter.to);
  return { from: filter.from, to: filter.to, ...summarize(rows, filter.procedureKey) };
}
