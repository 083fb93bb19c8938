import type { AnyBulkWriteOperation, Db } from 'mongodb';
import { quantileOf, type StepDelta } from './steps.js';

export type { StepDelta } from './steps.js';

interface StepRow {
  _id: string;
  key: string;
  unitId: string;
  procedureKey: string;
  activityId: string;
  name: string;
  count?: number;
  minutes?: number;
  withQuota?: number;
  late?: number;
  overMinutes?: number;
  steps?: number;
  buckets?: Record<string, number>;
}

/** The upsert of one step or attribution delta; the key fields are set once, the name kept current. */
export function stepRowWrite(d: StepDelta): AnyBulkWriteOperation<{ _id: string }> {
  return {
    updateOne: {
      filter: { _id: d._id },
      update: { $setOnInsert: { key: d.key, ...d.fields }, $set: { name: d.name }, $inc: { ...d.inc, ...(d.bucket === undefined ? {} : { [`buckets.${d.bucket}`]: 1 }) } },
      upsert: true,
    },
  };
}

const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Reads of the step rows (per unit × procedure version × activity) and attribution rows (per
 * scope unit × month), kept in `monitoring_counts` beside the counters so that one bulk write
 * applies a commit; both read by equality on the indexed `key`.
 */
export function stepStore(db: Db) {
  const rows = db.collection<StepRow>('monitoring_counts');

  return {
    /** Per-activity statistics of one procedure version over the given units (ALL_UNITS: province). */
    async activityStats(unitIds: readonly string[], procedureKey: string, version: number) {
      const byActivity = new Map<string, { name: string; count: number; minutes: number; withQuota: number; late: number; overMinutes: number; buckets: Record<string, number> }>();
      for (const unitId of unitIds) {
        for await (const r of rows.find({ key: `steps:${unitId}|${procedureKey}|${version}` })) {
          const a = byActivity.get(r.activityId) ?? { name: r.name, count: 0, minutes: 0, withQuota: 0, late: 0, overMinutes: 0, buckets: {} };
          a.count += r.count ?? 0;
          a.minutes += r.minutes ?? 0;
          a.withQuota += r.withQuota ?? 0;
          a.late += r.late ?? 0;
          a.overMinutes += r.overMinutes ?? 0;
          for (const [b, n] of Object.entries(r.buckets ?? {})) a.buckets[b] = (a.buckets[b] ?? 0) + n;
          byActivity.set(r.activityId, a);
        }
      }
      return [...byActivity].sort(([x], [y]) => x.localeCompare(y)).map(([activityId, a]) => ({
        activityId,
        name: a.name,
        count: a.count,
        meanWorkingMinutes: a.count ? round(a.minutes / a.count, 1) : null,
        medianWorkingMinutes: quantileOf(a.buckets, a.count, 0.5),
        p90WorkingMinutes: quantileOf(a.buckets, a.count, 0.9),
        withQuota: a.withQuota,
        late: a.late,
        lateShare: a.withQuota ? round(a.late / a.withQuota) : null,
        overMinutes: round(a.overMinutes, 2),
      }));
    },

    /** Over-quota steps of dossiers that finished late in the given months, most minutes first. */
    async attribution(unitIds: readonly string[], months: readonly string[], procedureKey?: string) {
      const merged = new Map<string, { unitId: string; procedureKey: string; activityId: string; name: string; steps: number; overMinutes: number }>();
      for (const scopeUnit of unitIds) {
        for (const month of months) {
          for await (const r of rows.find({ key: `blame:${scopeUnit}|${month}` })) {
            if (procedureKey && r.procedureKey !== procedureKey) continue;
            const id = `${r.unitId}|${r.procedureKey}|${r.activityId}`;
            const m = merged.get(id) ?? { unitId: r.unitId, procedureKey: r.procedureKey, activityId: r.activityId, name: r.name, steps: 0, overMinutes: 0 };
            m.steps += r.steps ?? 0;
            m.overMinutes = round(m.overMinutes + (r.overMinutes ?? 0), 2);
            merged.set(id, m);
          }
        }
      }
      return [...merged.values()].filter((m) => m.steps !== 0).sort((a, b) => b.overMinutes - a.overMinutes || a.activityId.localeCompare(b.activityId));
    },
  };
}
export type StepStore = ReturnType<typeof stepStore>;
