/**
 * Overdue and due-soon lists and enriched escalations for a supervisor's scope, read from the
 * open task rows of src/monitoring/open-work.ts. Lateness is counted in working hours of the
 * working calendar in force, whatever unit the dossier's clock counts in, for the page's rows only.
 */
import type { Collection } from 'mongodb';
import type { WorkingCalendar } from '../calendar/index.js';
import type { TaskDoc } from '../domain/case.js';
import { badRequest } from '../domain/errors.js';
import { unitsToList, type UnitScope } from '../domain/unit-scope.js';
import type { EscalationDoc } from '../store/documents.js';
import { widened } from './row-units.js';
import { inParallel, readAllWork, readWorkPage, type OpenRow, type WorkPage, type WorkPageRequest } from './open-work.js';

export interface WorklistDeps {
  tasks: Collection<TaskDoc>;
  escalations: Collection<EscalationDoc>;
  calendar: () => Promise<WorkingCalendar>;
  unitName: (id: string | null) => Promise<string | null>;
  /** The activity's name on the diagram of that procedure version (an escalation of a closed step). */
  stepName: (procedureKey: string, version: number, activityId: string) => Promise<string | null>;
  now: () => Date;
  /** Every unit of the register: a scope holding them all reads the province key (one read). */
  allUnitIds?: () => Promise<string[]>;
}

export interface WorkRow {
  dossierId: string;
  dossierCode: string;
  procedureKey: string;
  procedureName: string;
  taskId: string;
  activityId: string;
  stepName: string;
  unitId: string | null;
  unitName: string | null;
  assignee: string | null;
  candidateGroups: string[];
  /** The dossier's statutory due instant (appointment date). */
  dueAt: string;
  /** The step's own due instant (its quota), when it has one. */
  stepDueAt: string | null;
  /** Working hours past `dueAt` (overdue list), else null. */
  workingHoursLate: number | null;
  /** Working hours left until `dueAt` (due-soon list), else null. */
  workingHoursLeft: number | null;
  consolePath: string;
  apiPath: string;
}

export interface EscalationRow extends Omit<WorkRow, 'taskId' | 'dueAt' | 'stepDueAt' | 'workingHoursLeft'> {
  id: string;
  kind: EscalationDoc['kind'];
  /** 'case' for the statutory deadline, else the task id. */
  subject: string;
  taskId: string | null;
  at: string;
  dueAt: string;
}

export interface ListQuery extends WorkPageRequest {
  unitId?: string;
}

export interface ListPage<R> {
  items: R[];
  limit: number;
  nextCursor: string | null;
  /** Only when paged by the deprecated `offset`. */
  offset?: number;
  total?: number;
  totalCapped?: boolean;
}

const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;
export const dossierLinks = (id: string) => ({ consolePath: `/console/#/dossier/${encodeURIComponent(id)}`, apiPath: `/v1/dossiers/${encodeURIComponent(id)}` });

/**
 * The last due instant within `minutes` working minutes of `now`: past the end of the working
 * time, up to the next working instant (a due instant at 20:00 has as many working minutes
 * left as one at 17:00).
 */
export function dueSoonHorizon(calendar: WorkingCalendar, now: Date, minutes: number): Date {
  return calendar.nextWorkingInstant(calendar.addWorkingMinutes(now, minutes));
}

function pageOf<R>(q: ListQuery, page: WorkPage, items: R[], nextCursor = page.nextCursor): ListPage<R> {
  return {
    items,
    limit: q.limit,
    nextCursor,
    ...(q.offset !== undefined && !q.cursor ? { offset: q.offset } : {}),
    ...(page.total !== undefined ? { total: page.total, totalCapped: page.totalCapped ?? false } : {}),
  };
}

/** The escalations list's cursor: the last row's `at|id`; 400 INVALID_CURSOR when it is not one. */
function escalationPosition(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^\d{4}-\d{2}-\d{2}T[^|]+\|.+$/.test(text)) throw badRequest('INVALID_CURSOR', 'cursor is not one this service issued: start again without one / con trỏ trang không hợp lệ, hãy tải lại từ trang đầu');
  return text;
}

export function createWorklists(deps: WorklistDeps) {
  const unitsOf = async (scope: UnitScope, unitId: string | undefined) => unitsToList(await widened(scope, unitId, deps.allUnitIds), unitId);

  const unitNames = () => {
    const units = new Map<string | null, Promise<string | null>>();
    return (id: string | null) => units.get(id) ?? units.set(id, deps.unitName(id)).get(id)!;
  };

  async function row(r: OpenRow, unit: (id: string | null) => Promise<string | null>, late: number | null, left: number | null): Promise<WorkRow> {
    return {
      dossierId: r.caseId,
      dossierCode: r.dossierCode,
      procedureKey: r.procedureKey,
      procedureName: r.procedureName,
      taskId: r._id,
      activityId: r.activityId,
      stepName: r.stepName ?? r.name,
      unitId: r.unitId ?? null,
      unitName: await unit(r.unitId ?? null),
      assignee: r.assignee ?? null,
      candidateGroups: r.candidateGroups ?? [],
      dueAt: r.caseDueAt,
      stepDueAt: r.dueAt ?? null,
      workingHoursLate: late === null ? null : hours(late),
      workingHoursLeft: left === null ? null : hours(left),
      ...dossierLinks(r.caseId),
    };
  }

  return {
    /** Past the appointment date, most overdue first (earliest due; ties by dossier code). */
    async overdue(scope: UnitScope, q: ListQuery): Promise<ListPage<WorkRow>> {
      const units = await unitsOf(scope, q.unitId);
      const now = deps.now();
      const [page, calendar] = await Promise.all([readWorkPage(deps.tasks, 'monitoring-overdue', units, { upTo: now.toISOString() }, q), deps.calendar()]);
      const unit = unitNames();
      const items = await Promise.all(page.rows.map((r) => row(r, unit, calendar.workingMinutesBetween(new Date(r.caseDueAt), now), null)));
      return pageOf(q, page, items);
    },

    /** Due within `hours` working hours, soonest first. */
    async dueSoon(scope: UnitScope, q: ListQuery & { hours: number }): Promise<ListPage<WorkRow> & { hours: number }> {
      const units = await unitsOf(scope, q.unitId);
      const now = deps.now();
      const calendar = await deps.calendar();
      const horizon = dueSoonHorizon(calendar, now, q.hours * 60);
      const page = await readWorkPage(deps.tasks, `monitoring-due-soon:${q.hours}`, units, { after: now.toISOString(), upTo: horizon.toISOString() }, q);
      const unit = unitNames();
      const left = page.rows.map((r) => calendar.workingMinutesBetween(now, new Date(r.caseDueAt)));
      // Rows come soonest first, so once one is past the hours so are the rest.
      const keep = left.findIndex((m) => m > q.hours * 60);
      const rows = keep < 0 ? page.rows : page.rows.slice(0, keep);
      const items = await Promise.all(rows.map((r, i) => row(r, unit, null, left[i] as number)));
      return { hours: q.hours, ...pageOf(q, page, items, keep < 0 ? page.nextCursor : null) };
    },

    /**
     * Reminders and breaches of the open dossiers the scope holds, newest first: the scope's
     * open rows (one read per unit), then each open dossier's escalations by `caseId`.
     */
    async escalations(scope: UnitScope, q: ListQuery & { kind?: EscalationDoc['kind'] }): Promise<ListPage<EscalationRow>> {
      const units = await unitsOf(scope, q.unitId);
      const [rows, calendar] = await Promise.all([readAllWork(deps.tasks, units), deps.calendar()]);
      const byCase = new Map<string, OpenRow[]>();
      for (const r of rows) byCase.set(r.caseId, [...(byCase.get(r.caseId) ?? []), r]);
      const found = (await inParallel([...byCase.keys()], (caseId) => deps.escalations.find({ caseId }).toArray())).flat();
      const wanted = found.filter((e) => !q.kind || e.kind === q.kind).sort((a, b) => b.at.localeCompare(a.at) || a._id.localeCompare(b._id));
      const now = deps.now();
      const unit = unitNames();
      // Newest first by (at, id): the cursor is the last row's position in that order.
      const at = q.cursor ? escalationPosition(q.cursor) : null;
      // The first row after the cursor's in the list's order: newer `at` first, then `_id` ascending.
      const [atAt, atId] = at ? [at.slice(0, at.indexOf('|')), at.slice(at.indexOf('|') + 1)] : ['', ''];
      const start = at ? wanted.findIndex((e) => e.at < atAt || (e.at === atAt && e._id > atId)) : (q.offset ?? 0);
      const from = start < 0 ? wanted.length : start;
      const slice = wanted.slice(from, from + q.limit);
      const items = await Promise.all(
        slice.map(async (e): Promise<EscalationRow> => {
          const held = byCase.get(e.caseId) as OpenRow[];
          // A step's escalation: its task if still open; the dossier's: the step holding it now.
          const r = held.find((x) => x._id === e.subject) ?? (held[0] as OpenRow);
          const due = new Date(e.dueAt);
          const base = await row(r, unit, due < now ? calendar.workingMinutesBetween(due, now) : 0, null);
          const { taskId: _t, dueAt: _d, stepDueAt: _s, workingHoursLeft: _l, ...rest } = base;
          return {
            ...rest,
            id: e._id,
            kind: e.kind,
            subject: e.subject,
            taskId: e.subject === 'case' ? r._id : e.subject,
            at: e.at,
            dueAt: e.dueAt,
            activityId: e.activityId ?? r.activityId,
            stepName: e.activityId && e.activityId !== r.activityId ? ((await deps.stepName(r.procedureKey, r.procedureVersion, e.activityId).catch(() => null)) ?? e.activityId) : rest.stepName,
          };
        }),
      );
      const last = slice[slice.length - 1];
      const more = from + q.limit < wanted.length && last;
      const total = { total: wanted.length, totalCapped: false };
      return pageOf(q, { rows: [], nextCursor: null, ...total }, items, more ? Buffer.from(`${last.at}|${last._id}`).toString('base64url') : null);
    },
  };
}

export type Worklists = ReturnType<typeof createWorklists>;
