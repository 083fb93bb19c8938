import type { AnyBulkWriteOperation, Db } from 'mongodb';
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
/** `_id` prefix of the per-commit markers kept beside the rows (unit ids never hold ':'). */
const MARKER = 'commit:';
const UPSERT_RETRIES = 5;
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

function upsert(d: RollupDelta): AnyBulkWriteOperation<CountRow> {
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
/** Runs one counter write at a time when the server needs it (FerretDB: see src/store/server-kind.ts). */
export type Serialize = <T>(work: () => Promise<T>) => Promise<T>;
const unserialized: Serialize = (work) => work();

export function rollupStore(db: Db, today: () => string = () => new Date().toISOString(), serialize: Serialize = unserialized) {
  const rows = db.collection<CountRow>('monitoring_counts');
  const legacy = db.collection<LegacyRow>('monitoring_rollups');

  async function applyOps(ops: AnyBulkWriteOperation<CountRow>[]): Promise<void> {
    let from = 0;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await rows.bulkWrite(ops.slice(from), { ordered: true });
        return;
      } catch (err) {
        const failed = (err as { writeErrors?: { index: number; code?: number }[] }).writeErrors?.[0];
        if (!failed || failed.code !== 11000 || attempt >= UPSERT_RETRIES) throw err;
        from += failed.index;
      }
    }
  }

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
      await rows.createIndex({ key: 1 }, { sparse: true });
    },

    /**
     * Applies one commit's deltas once: its marker and every row in one ordered bulk of
     * upserts (one `update` command, so a step stays within its command budget). The first
     * attempt at a commit follows its insert, which only one writer wins; a roll-forward
     * (`replay`, under the case lock) first looks for the marker and applies nothing when it
     * is there. An upsert that loses a race for a new row (E11000) is retried from that write.
     */
    async apply(commitId: string, deltas: readonly MonitoringDelta[], at: string, replay = true): Promise<boolean> {
      if (deltas.length === 0) return false;
      const marker = `${MARKER}${commitId}`;
      if (replay && (await rows.findOne({ _id: marker }, { projection: { _id: 1 } }))) return false;
      const ops: AnyBulkWriteOperation<CountRow>[] = [
        { updateOne: { filter: { _id: marker }, update: { $setOnInsert: { at } }, upsert: true } },
        ...deltas.flatMap((d) => ('target' in d ? [stepRowWrite(d) as AnyBulkWriteOperation<CountRow>] : normalize(d).map(upsert))),
      ];
      await serialize(() => applyOps(ops));
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
        const ops = normalize({ _id: row._id, day: row.day, unitId: row.unitId, procedureKey: row.procedureKey, inc: row.counts }).map(upsert);
        await serialize(() => rows.bulkWrite(ops, { ordered: true }));
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
