import { DateTime } from 'luxon';
import type { Db } from 'mongodb';
import type { CaseDoc, TaskDoc } from '../domain/case.js';
import type { Collections } from '../store/mongo.js';
import type { CounterDelta } from '../store/documents.js';
import { ALL_TIME, caseFinish, finishDeltas, localDay, slaKey, SLA_CLASSES, type SlaCounter, type SlaDelta } from './sla-counters.js';

interface SlaRow {
  _id: string;
  key: string;
  period: string;
  procedureKey: string;
  activityId: string;
  early?: number;
  onTime?: number;
  late?: number;
}

/** Local days [from, to] (either may be open: all time, or up to today). */
export type DayRange = {
  from: string | null;
  to: string | null;
};

/** Counts per `<procedureKey>|<activityId>` ('' activity: the case itself). */
export type SlaCounts = Map<string, Record<SlaCounter, number>>;

/** Applies one batch of deltas once under a commit id (the monitoring counters' `apply`). */
export type ApplyCounters = (commitId: string, deltas: readonly CounterDelta[], at: string) => Promise<unknown>;

/** One read of a period: a row key, and the periods of its rows that count (all when null). */
interface Read {
  key: string;
  periods: Set<string> | null;
  sign: 1 | -1;
}

const monthsBetween = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let m = DateTime.fromISO(`${from.slice(0, 7)}-01`, { zone: 'utc' }); m.toISODate()!.slice(0, 7) <= to.slice(0, 7); m = m.plus({ months: 1 })) out.push(m.toISODate()!.slice(0, 7));
  return out;
};

/** Rows covering [from, to] of one unit: month rows for whole months, the day rows of the others. */
function readsOf(unitId: string, from: string, to: string, sign: 1 | -1): Read[] {
  const reads: Read[] = [];
  for (const month of monthsBetween(from, to)) {
    const first = `${month}-01`;
    const last = DateTime.fromISO(first, { zone: 'utc' }).endOf('month').toISODate()!;
    if (from <= first && to >= last) {
      reads.push({ key: slaKey(unitId, month), periods: new Set([month]), sign });
      continue;
    }
    const days = new Set<string>();
    for (let d = DateTime.fromISO(from > first ? from : first, { zone: 'utc' }); d.toISODate()! <= (to < last ? to : last); d = d.plus({ days: 1 })) days.add(d.toISODate()!);
    reads.push({ key: slaKey(unitId, first), periods: days, sign });
  }
  return reads;
}

/** Runs `work` over `items` with at most `n` at a time. */
async function inBatches<T>(items: readonly T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += n) await Promise.all(items.slice(i, i + n).map(work));
}

const BACKFILL_ID = 'sla-counters-backfill-v1';
const BACKFILL_CHUNK = 500;

export function slaCounterStore(db: Db, today: () => string = () => localDay(new Date().toISOString())) {
  const rows = db.collection<SlaRow>('monitoring_counts');
  const markers = db.collection<{ _id: string; at: string; doneAt?: string }>('migrations');

  return {
    /**
     * Finished counts of the units over the days: an open range reads the all-time rows (a
     * `to` alone: all time minus the days after it), a closed one the month and day rows it
     * covers. Cost: units × months of the period, whatever the number of cases stored.
     */
    async counts(unitIds: readonly string[], range: DayRange): Promise<SlaCounts> {
      const now = today();
      const reads: Read[] = [];
      for (const unitId of unitIds) {
        if (range.from) {
          const to = range.to && range.to < now ? range.to : now;
          if (range.from <= to) reads.push(...readsOf(unitId, range.from, to, 1));
        } else {
          reads.push({ key: slaKey(unitId, ALL_TIME), periods: null, sign: 1 });
          if (range.to && range.to < now) {
            const after = DateTime.fromISO(range.to, { zone: 'utc' }).plus({ days: 1 }).toISODate()!;
            reads.push(...readsOf(unitId, after, now, -1));
          }
        }
      }
      const out: SlaCounts = new Map();
      await inBatches(reads, 4, async (r) => {
        for await (const row of rows.find({ key: r.key })) {
          if (r.periods && !r.periods.has(row.period)) continue;
          const id = `${row.procedureKey}|${row.activityId}`;
          const c = out.get(id) ?? { early: 0, onTime: 0, late: 0 };
          for (const k of SLA_CLASSES) c[k] += r.sign * (row[k] ?? 0);
          out.set(id, c);
        }
      });
      return out;
    },

    /**
     * One-off start-up step for cases and steps finished before these counters existed. The
     * first start claims a cut-off instant; what finished before it is counted here, later
     * finishes by their commits. Rows go in fixed chunks, each applied once under its own id,
     * so a start interrupted half-way finishes the rest without counting a chunk twice.
     */
    async backfill(c: Collections, apply: ApplyCounters): Promise<number> {
      const now = new Date().toISOString();
      await markers.updateOne({ _id: BACKFILL_ID }, { $setOnInsert: { at: now } }, { upsert: true });
      const marker = await markers.findOne({ _id: BACKFILL_ID });
      if (!marker || marker.doneAt) return 0;
      const cutoff = marker.at;
      const sums = new Map<string, SlaDelta>();
      const add = (deltas: SlaDelta[]) => {
        for (const d of deltas) {
          const s = sums.get(d._id) ?? { ...d, inc: {} };
          for (const [k, v] of Object.entries(d.inc) as [SlaCounter, number][]) s.inc[k] = (s.inc[k] ?? 0) + v;
          sums.set(d._id, s);
        }
      };
      let counted = 0;
      const caseFields = { _id: 1, procedureKey: 1, unitId: 1, sla: 1, 'dossier.processingUnitId': 1 };
      for await (const doc of c.cases.find({ sla: { $ne: null } } as never, { projection: caseFields }).batchSize(1000)) {
        const f = caseFinish(doc as CaseDoc);
        if (!f || f.finishedAt >= cutoff) continue;
        add(finishDeltas(f));
        counted += 1;
      }
      const taskFields = { _id: 1, procedureKey: 1, activityId: 1, unitId: 1, sla: 1 };
      for await (const t of c.tasks.find({ status: 'completed', sla: { $ne: null } } as never, { projection: taskFields }).batchSize(1000)) {
        const task = t as TaskDoc;
        if (!task.sla || task.sla.finishedAt >= cutoff) continue;
        const cls = task.sla.class === 'on-time' ? 'onTime' : task.sla.class;
        add(finishDeltas({ unitId: task.unitId ?? 'none', procedureKey: task.procedureKey, activityId: task.activityId, cls, finishedAt: task.sla.finishedAt }));
        counted += 1;
      }
      const all = [...sums.values()].sort((a, b) => (a._id < b._id ? -1 : 1));
      for (let i = 0; i < all.length; i += BACKFILL_CHUNK) await apply(`${BACKFILL_ID}#${i / BACKFILL_CHUNK}`, all.slice(i, i + BACKFILL_CHUNK), cutoff);
      await markers.updateOne({ _id: BACKFILL_ID }, { $set: { doneAt: new Date().toISOString() } });
      return counted;
    },
  };
}
export type SlaCounterStore = ReturnType<typeof slaCounterStore>;
