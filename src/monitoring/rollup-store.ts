import type { Db } from 'mongodb';
import { isDuplicateKey } from '../store/mongo.js';
import { COUNTERS, type Counter, type RollupDelta } from './rollup.js';

interface RollupRow { _id: string; day: string; unitId: string; procedureKey: string; counts: Partial<Record<Counter, number>> }
interface AppliedDoc { _id: string; at: string }

export type Totals = Record<Counter, number>;
const zero = (): Totals => Object.fromEntries(COUNTERS.map((k) => [k, 0])) as Totals;

/**
 * Rollup rows (one per day × unit × procedure, gauges under day '*') and the commit ids
 * already counted. Reads touch rows of the asked units and days only, never finished cases.
 */
export function rollupStore(db: Db) {
  const rows = db.collection<RollupRow>('monitoring_rollups');
  const applied = db.collection<AppliedDoc>('monitoring_applied');

  return {
    async ensureIndexes(): Promise<void> {
      await rows.createIndex({ unitId: 1, day: 1 });
    },

    /** Applies one commit's deltas once: the applied id's unique key admits one writer. */
    async apply(commitId: string, deltas: readonly RollupDelta[], at: string): Promise<boolean> {
      if (deltas.length === 0) return false;
      try {
        await applied.insertOne({ _id: commitId, at });
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
      await rows.bulkWrite(deltas.map((d) => ({
        updateOne: {
          filter: { _id: d._id },
          update: { $setOnInsert: { day: d.day, unitId: d.unitId, procedureKey: d.procedureKey }, $inc: Object.fromEntries(Object.entries(d.inc).map(([k, v]) => [`counts.${k}`, v])) },
          upsert: true,
        },
      })), { ordered: true });
      return true;
    },

    /** Sums per unit × procedure over [from, to] (local days) plus the current gauges. */
    async totals(unitIds: readonly string[], from: string, to: string): Promise<Map<string, Totals>> {
      const out = new Map<string, Totals>();
      for (const unitId of unitIds) {
        // Equality on unitId (indexed); the day range is checked here on that unit's rows.
        for await (const r of rows.find({ unitId })) {
          if (r.day !== '*' && (r.day < from || r.day > to)) continue;
          const key = `${r.unitId}|${r.procedureKey}`;
          const t = out.get(key) ?? zero();
          for (const k of COUNTERS) {
            const gauge = k === 'inProgress' || k === 'paused';
            if (gauge === (r.day === '*')) t[k] += r.counts[k] ?? 0;
          }
          out.set(key, t);
        }
      }
      return out;
    },
  };
}
export type RollupStore = ReturnType<typeof rollupStore>;
