import type { CaseDoc, HistoryEntry, TaskDoc, TaskWait, Wait } from '../domain/case.js';
import type { SlaResult } from '../deadlines/clock.js';
import type { StepEvent } from '../engine/step-runner.js';
import { taskDueAt, taskFormOf } from './task-form.js';
import type { Effects, ScheduledJob } from '../store/documents.js';

export interface StepRecord {
  type: string;
  activityId?: string;
  activityType?: string;
  executionId?: string;
  by?: string;
  data?: unknown;
}

export function emptyEffects(): Effects {
  return {
    tasksOpened: [],
    tasksClosed: [],
    tasksUpdated: [],
    history: [],
    escalations: [],
    notifications: [],
    portalOutbox: [],
    jobsScheduled: [],
    jobsCancelled: [],
  };
}

function serviceJob(caseId: string, wait: Extract<Wait, { kind: 'service' }>, at: string): ScheduledJob {
  return {
    queue: 'service-tasks',
    jobId: wait.jobId,
    runAt: at,
    data: { caseId, executionId: wait.executionId, activityId: wait.activityId, topic: wait.topic, attempt: wait.attempt },
  };
}

function timerJob(caseId: string, wait: Extract<Wait, { kind: 'timer' }>): ScheduledJob {
  return { queue: 'timers', jobId: wait.jobId, runAt: wait.expireAt, data: { caseId, executionId: wait.executionId } };
}

/** Starts the child case of a call activity (src/cases/call-activities.ts). */
function callJob(caseId: string, wait: Extract<Wait, { kind: 'call' }>, at: string): ScheduledJob {
  return { queue: 'calls', jobId: wait.jobId, runAt: at, data: { kind: 'start', caseId, executionId: wait.executionId, attempt: wait.attempt } };
}

/** The BullMQ job that resolves a timer, service or call wait. */
export function jobFor(caseId: string, wait: Extract<Wait, { kind: 'timer' | 'service' | 'call' }>, at: string): ScheduledJob {
  if (wait.kind === 'call') return callJob(caseId, wait, at);
  return wait.kind === 'timer' ? timerJob(caseId, wait) : serviceJob(caseId, wait, at);
}

function taskDoc(c: CaseDoc, wait: TaskWait): TaskDoc {
  const doc: TaskDoc = {
    _id: wait.taskId,
    caseId: c._id,
    procedureKey: c.procedureKey,
    activityId: wait.activityId,
    executionId: wait.executionId,
    name: wait.name,
    candidateGroups: wait.candidateGroups,
    assignee: wait.assignee ?? null,
    status: 'open',
    createdAt: wait.since,
    endedAt: null,
    completedBy: null,
    dueAt: taskDueAt(wait),
    sla: null,
    escalation: escalationOf(wait),
    unitId: taskUnit(c, wait),
  };
  // Form key and fields ride along on the task document (read by taskView).
  return Object.assign(doc, taskFormOf(wait));
}

/** The unit that must do the task: the one the diagram or dossier rules gave it, else the case's own. */
export function taskUnit(c: CaseDoc, wait: TaskWait): string | null {
  return wait.unitId ?? c.unitId ?? null;
}

function escalationOf(wait: TaskWait): TaskDoc['escalation'] {
  if (wait.clock?.breached) return 'breached';
  return wait.clock?.reminded ? 'reminded' : null;
}

/**
 * Derives what must change outside the case document when its waits change: tasks opened
 * and closed, jobs scheduled and cancelled. `done` is the wait the action consumed.
 */
export function diffWaits(
  next: CaseDoc,
  before: Wait[],
  done: Wait | null,
  by: string | null,
  at: string,
  slaOf: (wait: TaskWait) => SlaResult | null = () => null,
): Effects {
  const effects = emptyEffects();
  const prev = new Map(before.map((w) => [w.executionId, w] as const));
  const now = new Map(next.waits.map((w) => [w.executionId, w] as const));
  for (const wait of next.waits) {
    if (prev.has(wait.executionId)) continue;
    if (wait.kind === 'task') effects.tasksOpened.push(taskDoc(next, wait));
    if (wait.kind === 'timer' || wait.kind === 'service' || wait.kind === 'call') effects.jobsScheduled.push(jobFor(next._id, wait, at));
  }
  for (const wait of before) {
    const still = now.get(wait.executionId);
    // A timer moved (calendar change) or a job re-issued: the old job goes, the new one comes.
    if (still && (still.kind === 'timer' || still.kind === 'service') && (wait.kind === 'timer' || wait.kind === 'service')) {
      if (still.jobId !== wait.jobId) {
        effects.jobsCancelled.push({ queue: wait.kind === 'timer' ? 'timers' : 'service-tasks', jobId: wait.jobId });
        effects.jobsScheduled.push(jobFor(next._id, still, at));
      }
    }
    if (still?.kind === 'task' && wait.kind === 'task') {
      const update = { id: still.taskId, dueAt: taskDueAt(still), escalation: escalationOf(still), unitId: taskUnit(next, still) };
      if (update.dueAt !== taskDueAt(wait) || update.escalation !== escalationOf(wait) || update.unitId !== taskUnit(next, wait)) {
        effects.tasksUpdated.push(update);
      }
    }
    if (still) continue;
    const consumed = done?.executionId === wait.executionId;
    if (wait.kind === 'task') {
      effects.tasksClosed.push({
        id: wait.taskId,
        status: consumed ? 'completed' : 'cancelled',
        endedAt: at,
        completedBy: consumed ? by : null,
        sla: consumed ? slaOf(wait) : null,
      });
    }
    if ((wait.kind === 'timer' || wait.kind === 'service') && !consumed) {
      effects.jobsCancelled.push({ queue: wait.kind === 'timer' ? 'timers' : 'service-tasks', jobId: wait.jobId });
    }
  }
  return effects;
}

export function historyEntries(caseId: string, revision: number, at: string, records: StepRecord[]): HistoryEntry[] {
  return records.map((r, index) => ({
    _id: `${caseId}-${revision}-${index}`,
    caseId,
    seq: revision * 1000 + index,
    at,
    type: r.type,
    ...(r.activityId ? { activityId: r.activityId } : {}),
    ...(r.activityType ? { activityType: r.activityType } : {}),
    ...(r.executionId ? { executionId: r.executionId } : {}),
    ...(r.by ? { by: r.by } : {}),
    ...(r.data !== undefined ? { dataJson: JSON.stringify(r.data) } : {}),
  }));
}

export const fromStepEvents = (events: StepEvent[]): StepRecord[] => events.map((e) => ({ ...e }));
