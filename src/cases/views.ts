import type { Clock } from '../deadlines/clock.js';
import type { CaseDoc, HistoryEntry, TaskDoc } from '../domain/case.js';
import { taskDueAt, taskFormOf } from './task-form.js';

/** Non-task waits, so clients see why a case with no open task is still active. */
interface WaitingFor {
  kind: 'message' | 'signal' | 'timer' | 'service' | 'call';
  activityId: string;
  since: string;
  message?: string;
  signal?: string;
  dueAt?: string;
  topic?: string;
  calledElement?: string;
  childCaseId?: string;
}

export function caseView(doc: CaseDoc) {
  const tasks = doc.waits.flatMap((w) =>
    w.kind === 'task'
      ? [
          {
            id: w.taskId,
            activityId: w.activityId,
            name: w.name,
            candidateGroups: w.candidateGroups,
            assignee: w.assignee ?? null,
            createdAt: w.since,
            dueAt: taskDueAt(w),
            ...taskFormOf(w),
            unitId: w.unitId ?? doc.unitId ?? null,
          },
        ]
      : [],
  );
  const waitingFor = doc.waits.flatMap((w): WaitingFor[] => {
    if (w.kind === 'message') return [{ kind: w.kind, activityId: w.activityId, message: w.messageName, since: w.since }];
    if (w.kind === 'signal') return [{ kind: w.kind, activityId: w.activityId, signal: w.signalName, since: w.since }];
    if (w.kind === 'timer') return [{ kind: w.kind, activityId: w.activityId, dueAt: w.expireAt, since: w.since }];
    if (w.kind === 'service') return [{ kind: w.kind, activityId: w.activityId, topic: w.topic, since: w.since }];
    if (w.kind === 'call') return [{ kind: w.kind, activityId: w.activityId, calledElement: w.calledElement, childCaseId: w.childCaseId, since: w.since }];
    return [];
  });
  return {
    id: doc._id,
    procedureKey: doc.procedureKey,
    procedureVersion: doc.procedureVersion,
    unitId: doc.unitId ?? null,
    businessKey: doc.businessKey ?? null,
    status: doc.status,
    data: JSON.parse(doc.variablesJson) as Record<string, unknown>,
    tasks,
    waitingFor,
    incident: doc.incident,
    deadline: deadlineView(doc.clock),
    sla: doc.sla ?? null,
    apologies: doc.apologies ?? [],
    // Call activities: the parent this case was called by, the children it called.
    parentCaseId: doc.parentCall?.caseId ?? null,
    parentCall: doc.parentCall ?? null,
    calledCases: doc.calledCases ?? [],
    endError: doc.endError ?? null,
    revision: doc.revision,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    endedAt: doc.endedAt,
  };
}

function deadlineView(clock: Clock | null | undefined) {
  if (!clock) return null;
  return {
    statutoryTime: clock.spec,
    dueAt: clock.dueAt,
    budgetMinutes: clock.budgetMinutes,
    paused: clock.pausedAt !== null,
    pauses: clock.pauses,
    reminded: clock.reminded,
    breached: clock.breached,
    late: clock.everLate || clock.breached,
  };
}

export function taskView(t: TaskDoc) {
  return {
    id: t._id,
    caseId: t.caseId,
    procedureKey: t.procedureKey,
    activityId: t.activityId,
    name: t.name,
    candidateGroups: t.candidateGroups,
    assignee: t.assignee,
    status: t.status,
    createdAt: t.createdAt,
    endedAt: t.endedAt,
    completedBy: t.completedBy,
    dueAt: t.dueAt ?? null,
    sla: t.sla ?? null,
    escalation: t.escalation ?? null,
    unitId: t.unitId ?? null,
    formKey: (t as TaskDoc & { formKey?: string | null }).formKey ?? null,
    formFields: (t as TaskDoc & { formFields?: unknown[] }).formFields ?? [],
  };
}

export function historyView(h: HistoryEntry) {
  return {
    seq: h.seq,
    at: h.at,
    type: h.type,
    activityId: h.activityId ?? null,
    activityType: h.activityType ?? null,
    by: h.by ?? null,
    data: h.dataJson === undefined ? null : (JSON.parse(h.dataJson) as unknown),
  };
}

export type CaseView = ReturnType<typeof caseView>;
