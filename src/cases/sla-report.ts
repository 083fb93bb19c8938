import type { Document } from 'mongodb';
import type { UnitScope } from '../dossiers/dossier-queries.js';
import type { Collections } from '../store/mongo.js';

export interface SlaReportFilter {
  procedureKey?: string;
  unitId?: string;
  /** Finished from / before (ISO instants). */
  from?: string;
  to?: string;
}

interface Counts {
  early: number;
  onTime: number;
  late: number;
  total: number;
  /** Share finished early or on time (the Decision 766 "progress" score); null without data. */
  onTimeRate: number | null;
}

const KEYS = { early: 'early', 'on-time': 'onTime', late: 'late' } as const;

function tally(rows: { _id: { key: string; cls: keyof typeof KEYS } ; n: number }[]): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const row of rows) {
    const c = out.get(row._id.key) ?? { early: 0, onTime: 0, late: 0, total: 0, onTimeRate: null };
    const field = KEYS[row._id.cls];
    if (!field) continue;
    c[field] += row.n;
    c.total += row.n;
    c.onTimeRate = Math.round(((c.early + c.onTime) / c.total) * 1000) / 1000;
    out.set(row._id.key, c);
  }
  return out;
}

/**
 * What supervisors are judged by: finished cases and steps early / on time / late per
 * procedure and step, and open cases past their due instant. Only $match/$group/$sum, the
 * aggregation subset FerretDB and MongoDB share.
 */
export function createSlaReport(c: Collections) {
  return async (f: SlaReportFilter, scope: UnitScope, now: Date) => {
    const units = scope.all ? (f.unitId ? [f.unitId] : null) : scope.unitIds.filter((u) => !f.unitId || u === f.unitId);
    const finished: Document = { sla: { $ne: null } };
    if (f.procedureKey) finished.procedureKey = f.procedureKey;
    if (f.from || f.to) finished['sla.finishedAt'] = { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lt: f.to } : {}) };
    const caseMatch: Document = { ...finished, ...(units ? { 'dossier.unitIds': { $in: units } } : {}) };
    const taskMatch: Document = { ...finished, status: 'completed', ...(units ? { unitId: { $in: units } } : {}) };

    const [caseRows, stepRows, open] = await Promise.all([
      c.cases.aggregate([{ $match: caseMatch }, { $group: { _id: { key: '$procedureKey', cls: '$sla.class' }, n: { $sum: 1 } } }]).toArray(),
      c.tasks
        .aggregate([{ $match: taskMatch }, { $group: { _id: { p: '$procedureKey', a: '$activityId', cls: '$sla.class' }, n: { $sum: 1 } } }])
        .toArray(),
      c.cases
        .find(
          { status: { $in: ['active', 'incident'] }, clock: { $ne: null }, ...(f.procedureKey ? { procedureKey: f.procedureKey } : {}), ...(units ? { 'dossier.unitIds': { $in: units } } : {}) },
          { projection: { _id: 1, procedureKey: 1, clock: 1, dossier: 1 } },
        )
        .toArray(),
    ]);

    const byProcedure = tally(caseRows as never);
    const bySteps = tally(stepRows.map((r) => ({ _id: { key: `${r._id.p}/${r._id.a}`, cls: r._id.cls }, n: r.n })) as never);
    const overdue = open.filter((d) => d.clock && !d.clock.pausedAt && new Date(d.clock.dueAt).getTime() < now.getTime());
    const all = [...byProcedure.values()].reduce(
      (sum, x) => ({ early: sum.early + x.early, onTime: sum.onTime + x.onTime, late: sum.late + x.late, total: sum.total + x.total }),
      { early: 0, onTime: 0, late: 0, total: 0 },
    );
    return {
      finished: { ...all, onTimeRate: all.total ? Math.round(((all.early + all.onTime) / all.total) * 1000) / 1000 : null },
      byProcedure: [...byProcedure].map(([procedureKey, counts]) => ({ procedureKey, ...counts })),
      bySteps: [...bySteps].map(([key, counts]) => {
        const [procedureKey = '', activityId = ''] = key.split('/');
        return { procedureKey, activityId, ...counts };
      }),
      open: {
        total: open.length,
        overdue: overdue.map((d) => ({ caseId: d._id, procedureKey: d.procedureKey, code: d.dossier?.code ?? null, dueAt: d.clock?.dueAt })),
      },
    };
  };
}

export type SlaReport = ReturnType<typeof createSlaReport>;
