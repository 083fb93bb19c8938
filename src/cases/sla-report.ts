import type { Document } from 'mongodb';
import type { CaseDoc } from '../domain/case.js';
import { badRequest } from '../domain/errors.js';
import { caseUnitIds, unitsToList, type UnitScope } from '../domain/unit-scope.js';
import type { Collections } from '../store/mongo.js';

export interface SlaReportFilter {
  procedureKey?: string;
  unitId?: string;
  /** Finished from / before (ISO instants). */
  from?: string;
  to?: string;
  /** Overdue open cases per page (default 100, at most 500) and the opaque cursor of the next page. */
  limit?: number;
  cursor?: string;
}

export const SLA_PAGE_DEFAULT = 100;
export const SLA_PAGE_MAX = 500;

/** Opaque to clients: the id of the last overdue case of the previous page. */
export const encodeSlaCursor = (afterId: string): string => Buffer.from(JSON.stringify({ a: afterId })).toString('base64url');
export function decodeSlaCursor(cursor: string): string {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { a?: unknown };
    if (typeof v.a === 'string' && v.a.length > 0) return v.a;
  } catch {
    // falls through to the coded 400
  }
  throw badRequest('INVALID_CURSOR', 'cursor is not one this service issued / con trỏ trang không hợp lệ');
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
    // A unit outside the caller's scope is refused (403 OUT_OF_SCOPE), not answered with empty figures.
    const units = unitsToList(scope, f.unitId);
    const finished: Document = { sla: { $ne: null } };
    if (f.procedureKey) finished.procedureKey = f.procedureKey;
    if (f.from || f.to) finished['sla.finishedAt'] = { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lt: f.to } : {}) };
    // One equality per unit (FerretDB scans the table for $in and $or); a task has one unit, so the sums add up.
    const taskMatches: Document[] = (units ?? [null]).map((u) => ({ ...finished, status: 'completed', ...(u ? { unitId: u } : {}) }));

    const [caseRows, stepGroups, open] = await Promise.all([
      finishedCases(c, finished, units),
      Promise.all(
        taskMatches.map((m) =>
          c.tasks.aggregate([{ $match: m }, { $group: { _id: { p: '$procedureKey', a: '$activityId', cls: '$sla.class' }, n: { $sum: 1 } } }]).toArray(),
        ),
      ),
      openCases(c, f, units),
    ]);
    const stepRows = stepGroups.flat();

    const byProcedure = tally(caseRows as never);
    const bySteps = tally(stepRows.map((r) => ({ _id: { key: `${r._id.p}/${r._id.a}`, cls: r._id.cls }, n: r.n })) as never);
    const limit = Math.min(Math.max(1, f.limit ?? SLA_PAGE_DEFAULT), SLA_PAGE_MAX);
    const after = f.cursor ? decodeSlaCursor(f.cursor) : null;
    const overdueAll = open
      .filter((d) => d.clock && !d.clock.pausedAt && new Date(d.clock.dueAt).getTime() < now.getTime())
      .sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    const fromIndex = after === null ? 0 : overdueAll.findIndex((d) => d._id > after);
    const overdue = fromIndex < 0 ? [] : overdueAll.slice(fromIndex, fromIndex + limit);
    const last = overdue[overdue.length - 1];
    const nextCursor = last && fromIndex + limit < overdueAll.length ? encodeSlaCursor(last._id) : null;
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
        overdueTotal: overdueAll.length,
        overdue: overdue.map((d) => ({ caseId: d._id, procedureKey: d.procedureKey, code: d.dossier?.code ?? null, dueAt: d.clock?.dueAt })),
        nextCursor,
      },
    };
  };
}

type GroupRow = { _id: { key: string; cls: keyof typeof KEYS }; n: number };

/**
 * Finished cases per procedure and class. Scoped: by the top-level `unitIds` listing key
 * (src/store/listing-keys.ts), one equality per unit; with several units a case two of them
 * see is counted once, so the rows are tallied here instead of by $group.
 */
async function finishedCases(c: Collections, finished: Document, units: string[] | null): Promise<GroupRow[]> {
  const group = { $group: { _id: { key: '$procedureKey', cls: '$sla.class' }, n: { $sum: 1 } } };
  if (!units || units.length === 1) {
    const match = units ? { ...finished, unitIds: units[0] } : finished;
    return (await c.cases.aggregate([{ $match: match }, group]).toArray()) as GroupRow[];
  }
  const seen = new Set<string>();
  const counts = new Map<string, GroupRow>();
  for (const unitId of units) {
    const cursor = c.cases.find({ ...finished, unitIds: unitId } as never, { projection: { _id: 1, procedureKey: 1, sla: 1 } }).batchSize(500);
    for await (const d of cursor) {
      if (seen.has(d._id) || !d.sla) continue;
      seen.add(d._id);
      const cls = d.sla.class as keyof typeof KEYS;
      const row = counts.get(`${d.procedureKey}|${cls}`) ?? { _id: { key: d.procedureKey, cls }, n: 0 };
      row.n += 1;
      counts.set(`${d.procedureKey}|${cls}`, row);
    }
  }
  return [...counts.values()];
}

type OpenRow = Pick<CaseDoc, '_id' | 'procedureKey' | 'clock' | 'dossier' | 'unitId'>;

/**
 * Open cases with a clock: one indexed equality per open status (FerretDB 1.24 scans every
 * case, finished ones too, for `$in`), projected and streamed. The set is open work only, so
 * it stays bounded as history grows.
 */
async function openCases(c: Collections, f: SlaReportFilter, units: string[] | null): Promise<OpenRow[]> {
  const rows: OpenRow[] = [];
  for (const status of ['active', 'incident'] as const) {
    const filter: Document = { status, ...(f.procedureKey ? { procedureKey: f.procedureKey } : {}) };
    const cursor = c.cases.find(filter, { projection: { _id: 1, procedureKey: 1, clock: 1, dossier: 1, unitId: 1 } }).batchSize(500);
    for await (const d of cursor) {
      if (!d.clock) continue;
      if (units && !caseUnitIds(d).some((u) => units.includes(u))) continue;
      rows.push(d as OpenRow);
    }
  }
  return rows;
}

export type SlaReport = ReturnType<typeof createSlaReport>;
