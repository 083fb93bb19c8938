import type { Document } from 'mongodb';
import type { CaseDoc } from '../domain/case.js';
import { badRequest } from '../domain/errors.js';
import { unitsToList, type UnitScope } from '../domain/unit-scope.js';
import type { Collections } from '../store/mongo.js';
import type { DayRange, SlaCounterStore } from './sla-counter-store.js';
import { localDay, SLA_ALL_UNITS } from './sla-counters.js';

export interface SlaReportFilter {
  procedureKey?: string;
  unitId?: string;
  /** Finished from / before (ISO instants), read as the local days they cover (daysOfRange). */
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

/** A type, not an interface: the route's schema-typed reply takes it as a record. */
type Counts = {
  early: number;
  onTime: number;
  late: number;
  total: number;
  /** Share finished early or on time (the Decision 766 "progress" score); null without data. */
  onTimeRate: number | null;
};

function withTotals(c: { early: number; onTime: number; late: number }): Counts {
  const total = c.early + c.onTime + c.late;
  return { early: c.early, onTime: c.onTime, late: c.late, total, onTimeRate: total ? Math.round(((c.early + c.onTime) / total) * 1000) / 1000 : null };
}

/** The local days [from, to] an instant range covers: `to` is exclusive, a partial day counts whole. */
export function daysOfRange(from?: string, to?: string): DayRange {
  return { from: from ? localDay(from) : null, to: to ? localDay(new Date(new Date(to).getTime() - 1).toISOString()) : null };
}

/**
 * What supervisors are judged by: finished cases and steps early / on time / late per
 * procedure and step, read from the counters kept at commit (src/cases/sla-counters.ts), and
 * open cases past their due instant, read from the scope's open cases.
 */
export function createSlaReport(c: Collections, counters: SlaCounterStore, allUnitIds?: () => Promise<string[]>) {
  /**
   * Whose counter rows a scope reads: one holding every unit of the register (a province
   * supervisor) reads the province rows, one key instead of one per unit. Counts only: the
   * open list stays per unit, so a case without a unit is never listed to a scoped key.
   */
  async function countUnits(scope: UnitScope, units: string[] | null): Promise<string[]> {
    if (!units) return [SLA_ALL_UNITS];
    if (scope.all || units.length < 2 || !allUnitIds) return units;
    const mine = new Set(units);
    return (await allUnitIds()).every((id) => mine.has(id)) ? [SLA_ALL_UNITS] : units;
  }

  return async (f: SlaReportFilter, scope: UnitScope, now: Date) => {
    // A unit outside the caller's scope is refused (403 OUT_OF_SCOPE), not answered with empty figures.
    const units = unitsToList(scope, f.unitId);
    const range = daysOfRange(f.from, f.to);
    const after = f.cursor ? decodeSlaCursor(f.cursor) : null;
    const [counts, open] = await Promise.all([countUnits(scope, units).then((u) => counters.counts(u, range)), openCases(c, f, units)]);

    const byProcedure = new Map<string, Counts>();
    const bySteps: ({ procedureKey: string; activityId: string } & Counts)[] = [];
    for (const [id, n] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const [procedureKey = '', activityId = ''] = id.split('|');
      if (f.procedureKey && procedureKey !== f.procedureKey) continue;
      const figures = withTotals(n);
      if (figures.total === 0) continue;
      if (activityId) bySteps.push({ procedureKey, activityId, ...figures });
      else byProcedure.set(procedureKey, figures);
    }
    const limit = Math.min(Math.max(1, f.limit ?? SLA_PAGE_DEFAULT), SLA_PAGE_MAX);
    const overdueAll = open
      .filter((d) => d.clock && !d.clock.pausedAt && new Date(d.clock.dueAt).getTime() < now.getTime())
      .sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    const fromIndex = after === null ? 0 : overdueAll.findIndex((d) => d._id > after);
    const overdue = fromIndex < 0 ? [] : overdueAll.slice(fromIndex, fromIndex + limit);
    const last = overdue[overdue.length - 1];
    const nextCursor = last && fromIndex + limit < overdueAll.length ? encodeSlaCursor(last._id) : null;
    const all = [...byProcedure.values()].reduce((sum, x) => ({ early: sum.early + x.early, onTime: sum.onTime + x.onTime, late: sum.late + x.late }), { early: 0, onTime: 0, late: 0 });
    return {
      period: range,
      finished: withTotals(all),
      byProcedure: [...byProcedure].map(([procedureKey, figures]) => ({ procedureKey, ...figures })),
      bySteps,
      open: {
        total: open.length,
        overdueTotal: overdueAll.length,
        overdue: overdue.map((d) => ({ caseId: d._id, procedureKey: d.procedureKey, code: d.dossier?.code ?? null, dueAt: d.clock?.dueAt })),
        nextCursor,
      },
    };
  };
}

type OpenRow = Pick<CaseDoc, '_id' | 'procedureKey' | 'clock' | 'dossier' | 'unitId'>;

/**
 * Open cases with a clock in the caller's units: one indexed equality per open status and unit
 * (`{status, unitIds}`: FerretDB 1.24 scans every case, finished ones too, for `$in` / `$or`),
 * projected and streamed; a case two units of the scope see is kept once. The set is the
 * scope's open work only, so it stays bounded as history grows.
 */
async function openCases(c: Collections, f: SlaReportFilter, units: string[] | null): Promise<OpenRow[]> {
  const rows = new Map<string, OpenRow>();
  for (const status of ['active', 'incident'] as const) {
    for (const unitId of units ?? [null]) {
      const filter: Document = { status, ...(unitId ? { unitIds: unitId } : {}), ...(f.procedureKey ? { procedureKey: f.procedureKey } : {}) };
      const cursor = c.cases.find(filter, { projection: { _id: 1, procedureKey: 1, clock: 1, dossier: 1, unitId: 1 } }).batchSize(500);
      for await (const d of cursor) if (d.clock) rows.set(d._id, d as OpenRow);
    }
  }
  return [...rows.values()];
}

export type SlaReport = ReturnType<typeof createSlaReport>;
