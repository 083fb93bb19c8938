import { DateTime } from 'luxon';
import type { UnitScope } from '../domain/unit-scope.js';
import { daysOf } from './periods.js';
import type { Counter } from './rollup.js';
import { rowUnits } from './row-units.js';
import { zeroTotals, type RollupStore, type Totals } from './rollup-store.js';
import { figures } from './summary.js';

export type Grain = 'day' | 'week' | 'month';
export interface TrendFilter { from: string; to: string; grain: Grain; unitId?: string; procedureKey?: string }

/** The bucket of a local day: itself, its ISO week (`2026-W49`) or its month. */
export function bucketOf(day: string, grain: Grain): string {
  if (grain === 'day') return day;
  if (grain === 'month') return day.slice(0, 7);
  const d = DateTime.fromISO(day, { zone: 'utc' });
  return `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`;
}

const FLOWS: readonly Counter[] = ['received', 'early', 'onTime', 'late'];

/**
 * Received and finished early / on time / late per day, ISO week or month of the period, with
 * the on-time rate of each bucket; every bucket of the period is present, zeros included.
 * An unscoped caller reads the province-wide rows, a scoped one its units' rows.
 */
export async function monitoringTrends(store: RollupStore, scope: UnitScope, filter: TrendFilter) {
  const units = rowUnits(scope, filter.unitId);
  const buckets = new Map<string, Totals>();
  for (const d of daysOf(filter.from, filter.to)) {
    const b = bucketOf(d, filter.grain);
    if (!buckets.has(b)) buckets.set(b, zeroTotals());
  }
  const rows = await store.periodRows(units, filter.from, filter.to, filter.grain === 'month');
  for (const r of rows) {
    if (filter.procedureKey && r.procedureKey !== filter.procedureKey) continue;
    const b = buckets.get(r.period.length === 7 ? r.period : bucketOf(r.period, filter.grain));
    if (!b) continue;
    for (const k of FLOWS) b[k] += r.counts[k] ?? 0;
  }
  const series = [...buckets].map(([period, t]) => {
    const { received, early, onTime, late, finished, onTimeRate } = figures(t);
    return { period, received, early, onTime, late, finished, onTimeRate };
  });
  return { from: filter.from, to: filter.to, grain: filter.grain, series };
}
