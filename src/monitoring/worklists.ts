/**
 * Overdue and due-soon lists and enriched escalations for a supervisor's scope, built from
 * the open work of src/monitoring/open-work.ts. Lateness is counted in working hours of the
 * working calendar in force, whatever unit the dossier's clock counts in.
 */
import type { Collection } from 'mongodb';
import type { WorkingCalendar } from '../calendar/index.js';
import { unitsToList, type UnitScope } from '../domain/unit-scope.js';
import type { EscalationDoc } from '../store/documents.js';
import { inParallel, loadOpenWork, type OpenItem, type OpenWorkSource } from './open-work.js';

export interface WorklistDeps extends OpenWorkSource {
  escalations: Collection<EscalationDoc>;
  calendar: () => Promise<WorkingCalendar>;
  /** The activity's name on the diagram of that procedure version (null: unknown). */
  stepName: (procedureKey: string, version: number, activityId: string) => Promise<string | null>;
  unitName: (id: string | null) => Promise<string | null>;
  now: () => Date;
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

export interface ListQuery {
  unitId?: string;
  limit: number;
  offset: number;
}

const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;
export const dossierLinks = (id: string) => ({ consolePath: `/console/#/dossier/${encodeURIComponent(id)}`, apiPath: `/v1/dossiers/${encodeURIComponent(id)}` });

/** Overdue (most overdue first) and due within `withinMinutes` working minutes (soonest first); pure. */
export function classify(items: OpenItem[], calendar: WorkingCalendar, now: Date, withinMinutes: number) {
  const overdue: { item: OpenItem; minutes: number }[] = [];
  const dueSoon: { item: OpenItem; minutes: number }[] = [];
  for (const item of items) {
    const due = new Date(item.clock.dueAt);
    if (due.getTime() <= now.getTime()) overdue.push({ item, minutes: calendar.workingMinutesBetween(due, now) });
    else {
      const left = calendar.workingMinutesBetween(now, due);
      if (left <= withinMinutes) dueSoon.push({ item, minutes: left });
    }
  }
  // Ties (same due instant) in a stable order: dossier code, then task.
  const order = (a: { item: OpenItem }, b: { item: OpenItem }) =>
    a.item.clock.dueAt.localeCompare(b.item.clock.dueAt) || a.item.dossierCode.localeCompare(b.item.dossierCode) || a.item.taskId.localeCompare(b.item.taskId);
  return { overdue: overdue.sort(order), dueSoon: dueSoon.sort(order) };
}

export function createWorklists(deps: WorklistDeps) {
  const names = () => {
    const units = new Map<string | null, Promise<string | null>>();
    const steps = new Map<string, Promise<string | null>>();
    return {
      unit: (id: string | null) => units.get(id) ?? units.set(id, deps.unitName(id)).get(id)!,
      step: (key: string, version: number, activityId: string) => {
        const k = `${key}@${version}#${activityId}`;
        return steps.get(k) ?? steps.set(k, deps.stepName(key, version, activityId).catch(() => null)).get(k)!;
      },
    };
  };

  async function row(item: OpenItem, n: ReturnType<typeof names>, late: number | null, left: number | null): Promise<WorkRow> {
    return {
      dossierId: item.caseId,
      dossierCode: item.dossierCode,
      procedureKey: item.procedureKey,
      procedureName: item.procedureName,
      taskId: item.taskId,
      activityId: item.activityId,
      stepName: (await n.step(item.procedureKey, item.procedureVersion, item.activityId)) ?? item.taskName,
      unitId: item.unitId,
      unitName: await n.unit(item.unitId),
      assignee: item.assignee,
      candidateGroups: item.candidateGroups,
      dueAt: item.clock.dueAt,
      stepDueAt: item.stepDueAt,
      workingHoursLate: late === null ? null : hours(late),
      workingHoursLeft: left === null ? null : hours(left),
      ...dossierLinks(item.caseId),
    };
  }

  async function lists(scope: UnitScope, unitId: string | undefined, withinHours: number) {
    const units = unitsToList(scope, unitId);
    const [items, calendar] = await Promise.all([loadOpenWork(deps, units), deps.calendar()]);
    return { items, ...classify(items, calendar, deps.now(), withinHours * 60) };
  }

  return {
    async overdue(scope: UnitScope, q: ListQuery) {
      const { overdue } = await lists(scope, q.unitId, 0);
      const n = names();
      const page = overdue.slice(q.offset, q.offset + q.limit);
      return { items: await Promise.all(page.map((x) => row(x.item, n, x.minutes, null))), total: overdue.length, limit: q.limit, offset: q.offset };
    },

    async dueSoon(scope: UnitScope, q: ListQuery & { hours: number }) {
      const { dueSoon } = await lists(scope, q.unitId, q.hours);
      const n = names();
      const page = dueSoon.slice(q.offset, q.offset + q.limit);
      return { hours: q.hours, items: await Promise.all(page.map((x) => row(x.item, n, null, x.minutes))), total: dueSoon.length, limit: q.limit, offset: q.offset };
    },

    /** Reminders and breaches of the open dossiers the scope holds, newest first. */
    async escalations(scope: UnitScope, q: ListQuery & { kind?: EscalationDoc['kind'] }) {
      const units = unitsToList(scope, q.unitId);
      const [items, calendar] = await Promise.all([loadOpenWork(deps, units), deps.calendar()]);
      const byCase = new Map<string, OpenItem[]>();
      for (const item of items) byCase.set(item.caseId, [...(byCase.get(item.caseId) ?? []), item]);
      // One indexed equality per open dossier: escalations of finished ones are history (GET /v1/escalations).
      const found = (await inParallel([...byCase.keys()], (caseId) => deps.escalations.find({ caseId }).toArray())).flat();
      const wanted = found.filter((e) => !q.kind || e.kind === q.kind).sort((a, b) => b.at.localeCompare(a.at) || a._id.localeCompare(b._id));
      const now = deps.now();
      const n = names();
      const page = wanted.slice(q.offset, q.offset + q.limit);
      const rows = await Promise.all(
        page.map(async (e): Promise<EscalationRow> => {
          const held = byCase.get(e.caseId) as OpenItem[];
          // A step's escalation: its task if still open; the dossier's: the step holding it now.
          const item = held.find((x) => x.taskId === e.subject) ?? (held[0] as OpenItem);
          const activityId = e.activityId ?? item.activityId;
          const due = new Date(e.dueAt);
          return {
            id: e._id,
            kind: e.kind,
            subject: e.subject,
            taskId: e.subject === 'case' ? item.taskId : e.subject,
            at: e.at,
            dueAt: e.dueAt,
            dossierId: item.caseId,
            dossierCode: item.dossierCode,
            procedureKey: item.procedureKey,
            procedureName: item.procedureName,
            activityId,
            stepName: (await n.step(item.procedureKey, item.procedureVersion, activityId)) ?? item.taskName,
            unitId: item.unitId,
            unitName: await n.unit(item.unitId),
            assignee: item.assignee,
            candidateGroups: item.candidateGroups,
            workingHoursLate: due < now ? hours(calendar.workingMinutesBetween(due, now)) : 0,
            ...dossierLinks(item.caseId),
          };
        }),
      );
      return { items: rows, total: wanted.length, limit: q.limit, offset: q.offset };
    },
  };
}

export type Worklists = ReturnType<typeof createWorklists>;
