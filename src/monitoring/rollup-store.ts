import type { Db } from 'mongodb';
import { isDuplicateKey } from '../store/mongo.js';
import { ALL_UNITS, COUNTERS, NOW, type Counter, type RollupDelta } from './rollup.js';
import { periodPlan, type PeriodPlan } from './periods.js';
import { stepRowWrite, type StepDelta } from './step-store.js';

interface CountRow {
  _id: string;
  unitId: string;
  period: string;
  procedureKey: string;
  /** `<unitId>|<period>`: the equality key of every read (indexed). */
  unitPeriod: string;
  /** `<unitId>|<YYYY-MM>` on day rows: a month's days in one indexed read. */
  unitMonth?: string;
  counts: Partial<Record<Counter, number>>;
}
interface AppliedDoc { _id: string; at: string }
/** A row of the first layout (`monitoring_rollups`, one per day × unit × procedure). */
interface LegacyRow { _id: string; day: string; unitId: string; procedureKey: string; counts: Partial<Record<Counter, number>> }
/** A delta as the first layout wrote it ahead (`day`, '*' for gauges), still in unapplied commits. */
type LegacyDelta = Omit<RollupDelta, 'period'> & { day: string };
/** What a commit writes ahead in `effects.rollups`. */
export type MonitoringDelta = RollupDelta | LegacyDelta | StepDelta;

export type Totals = Record<Counter, number>;
export interface PeriodRow { period: string; procedureKey: string; counts: Partial<Record<Counter, number>> }
export const zeroTotals = (): Totals => Object.fromEntries(COUNTERS.map((k) => [k, 0])) as Totals;
const isGauge = (k: Counter): boolean => k === 'inProgress' || k === 'paused';

/** Deltas of the first layout become the rows of this one (its day, its month, ALL_UNITS). */
function normalize(d: RollupDelta | LegacyDelta): RollupDelta[] {
  if ('period' in d) return [d];
  const periods = d.day === '*' ? [NOW] : [d.day, d.day.slice(0, 7)];
  return [d.unitId, ALL_UNITS].flatMap((unitId) => periods.map((period) => ({
    _id: `${unitId}|${period}|${d.procedureKey}`, unitId, period, procedureKey: d.procedureKey, inc: d.inc,
  })));
}

function upsert(d: RollupDelta) {
  const keys = { unitId: d.unitId, period: d.period, procedureKey: d.procedureKey, unitPeriod: `${d.unitId}|${d.period}`, ...(d.period.length === 10 ? { unitMonth: `${d.unitId}|${d.period.slice(0, 7)}` } : {}) };
  return {
    updateOne: {
      filter: { _id: d._id },
      update: { $setOnInsert: keys, $inc: Object.fromEntries(Object.entries(d.inc).map(([k, v]) => [`counts.${k}`, v])) },
      upsert: true,
    },
  };
}

/**
 * Counter rows (`monitoring_counts`: per day, per month and 'now' × unit × procedure, also
 * for ALL_UNITS) and the commit ids already counted. Every read is an equality on
 * `unitPeriod` or `unitMonth`, so its cost is the rows of the periods asked, whatever the
 * number of dossiers or days stored.
 */
export function rollupStore(db: Db, today: () => string = () => new Date().toISOString()) {
  const rows = db.collection<CountRow>('monitoring_counts');
  const applied = db.collection<AppliedDoc>('monitoring_applied');
  const legacy = db.collection<LegacyRow>('monitoring_rollups');

  async function readPlan(unitId: string, plan: PeriodPlan, gauges: boolean, each: (r: CountRow) => void): Promise<void> {
    for (const period of gauges ? [NOW, ...plan.months] : plan.months) for await (const r of rows.find({ unitPeriod: `${unitId}|${period}` })) each(r);
    for (const { month, days } of plan.partialMonths) {
      for await (const r of rows.find({ unitMonth: `${unitId}|${month}` })) if (days.has(r.period)) each(r);
    }
  }

  return {
    async ensureIndexes(): Promise<void> {
      await rows.createIndex({ unitPeriod: 1 });
      await rows.createIndex({ unitMonth: 1 }, { sparse: true });
    },

    /** Applies one commit's deltas once: the applied id's unique key admits one writer. */
    async apply(commitId: string, deltas: readonly MonitoringDelta[], at: string): Promise<boolean> {
      if (deltas.length === 0) return false;
      try {
        await applied.insertOne({ _id: commitId, at });
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
      const counters = deltas.filter((d): d is RollupDelta | LegacyDelta => !('target' in d));
      if (counters.length > 0) await rows.bulkWrite(counters.flatMap(normalize).map(upsert), { ordered: true });
      for (const target of ['steps', 'attribution'] as const) {
        const own = deltas.filter((d): d is StepDelta => 'target' in d && d.target === target);
        if (own.length > 0) await db.collection<{ _id: string }>(`monitoring_${target}`).bulkWrite(own.map(stepRowWrite), { ordered: true });
      }
      return true;
    },

    /**
     * Moves rows of the first layout into this one; run at start-up, a no-op once empty.
     * Each row is deleted before it is added, so a crash in between loses that row's counts
     * and never counts them twice (no multi-document transactions on FerretDB).
     */
    async foldLegacyRows(): Promise<number> {
      let moved = 0;
      for (;;) {
        const row = await legacy.findOneAndDelete({});
        if (!row) return moved;
        await rows.bulkWrite(normalize({ _id: row._id, day: row.day, unitId: row.unitId, procedureKey: row.procedureKey, inc: row.counts }).map(upsert), { ordered: true });
        moved += 1;
      }
    },

    /** Sums per unit × procedure over [from, to] (local days) plus the current gauges. */
    async totals(unitIds: readonly string[], from: string, to: string): Promise<Map<string, Totals>> {
      const plan = periodPlan(from, to, today());
      const out = new Map<string, Totals>();
      for (const unitId of unitIds) {
        await readPlan(unitId, plan, true, (r) => {
          const key = `${r.unitId}|${r.procedureKey}`;
          const t = out.get(key) ?? zeroTotals();
          for (const k of COUNTERS) if (isGauge(k) === (r.period === NOW)) t[k] += r.counts[k] ?? 0;
          out.set(key, t);
        });
      }
      return out;
    },

    /**
     * Counted rows of [from, to] for the given units (ALL_UNITS for the province), gauges
     * left out: month rows for whole months unless `wholeMonths` is false (daily / weekly trends).
     */
    async periodRows(unitIds: readonly string[], from: string, to: string, wholeMonths: boolean): Promise<PeriodRow[]> {
      const plan = periodPlan(from, to, today(), { wholeMonths });
      const out: PeriodRow[] = [];
      for (const unitId of unitIds) {
        await readPlan(unitId, plan, false, (r) => out.push({ period: r.period, procedureKey: r.procedureKey, counts: r.counts }));
      }
      return out;
    },
  };
}
export type RollupStore = ReturnType<typeof rollupStore>;
