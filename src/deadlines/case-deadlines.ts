import type { WorkingCalendar } from '../calendar/index.js';
import type { CaseDoc, TaskWait, Wait } from '../domain/case.js';
import type { Catalog } from '../engine/catalog.js';
import type { CompiledProcedure } from '../engine/procedure-compiler.js';
import type { ScheduledJob } from '../store/documents.js';
import { statutorySpec } from './time-unit.js';
import { classify, pauseClock, recompute, resumeClock, startClock, type Clock, type ResumeMode } from './clock.js';

/** How a procedure counts time, from extension properties analysts set in the modeler. */
export interface DeadlinePolicy {
  statutory: string | null;
  cutoff: string | null;
  resumeMode: ResumeMode;
  reminderShare: number;
}

export const PROCESS_PROPERTIES = {
  statutoryTime: 'statutoryTime',
  receiptCutoff: 'receiptCutoff',
  clockOnResume: 'clockOnResume',
  reminderShare: 'reminderShare',
} as const;
export const TASK_QUOTA = 'quota';
export const PAUSES_CLOCK = 'pausesClock';
const DIAGRAM_PAUSE = 'diagram:';

export function deadlinePolicy(procedure: CompiledProcedure, defaultShare: number): DeadlinePolicy {
  const props = procedure.catalog.get(procedure.key)?.properties ?? {};
  const share = Number(props[PROCESS_PROPERTIES.reminderShare]);
  return {
    // Published diagrams passed checkQuotas, so the spec here is valid.
    statutory: statutorySpec(props, PROCESS_PROPERTIES.statutoryTime).spec,
    cutoff: props[PROCESS_PROPERTIES.receiptCutoff] ?? null,
    resumeMode: props[PROCESS_PROPERTIES.clockOnResume] === 'resume' ? 'resume' : 'restart',
    reminderShare: Number.isFinite(share) && share > 0 && share < 1 ? share : defaultShare,
  };
}

export interface DeadlineContext {
  calendar: WorkingCalendar;
  policy: DeadlinePolicy;
  catalog: Catalog;
  at: Date;
}

type TaskWithClock = TaskWait & { clock: Clock };
const hasClock = (w: Wait): w is TaskWithClock => w.kind === 'task' && w.clock !== undefined;

/** Every clock of the case: the statutory one and those of its open tasks. */
function mapClocks(doc: CaseDoc, change: (clock: Clock) => Clock): void {
  if (doc.clock) doc.clock = change(doc.clock);
  doc.waits = doc.waits.map((w) => (hasClock(w) ? { ...w, clock: change(w.clock) } : w));
}

export function pauseAll(ctx: DeadlineContext, doc: CaseDoc, reason: string): void {
  mapClocks(doc, (clock) => pauseClock(ctx.calendar, clock, ctx.at, reason));
}

export function resumeAll(ctx: DeadlineContext, doc: CaseDoc): void {
  mapClocks(doc, (clock) => resumeClock(ctx.calendar, clock, ctx.at, ctx.policy.resumeMode, ctx.policy.reminderShare));
}

/** After a calendar change: new due instants from the same budgets. */
export function recomputeAll(ctx: DeadlineContext, doc: CaseDoc): void {
  mapClocks(doc, (clock) => recompute(ctx.calendar, clock, ctx.policy.reminderShare));
}

export const isPaused = (doc: CaseDoc): boolean => Boolean(doc.clock?.pausedAt);

function openPauseReason(clock: Clock | null): string | null {
  return clock?.pauses.find((p) => p.to === null)?.reason ?? null;
}

/**
 * Brings the clocks of `next` in line with what just happened: the statutory clock starts
 * at receipt, each new task with a quota gets a step clock, a wait marked `pausesClock`
 * stops all clocks until it is answered, and a completed case is classified.
 */
export function applyDeadlines(ctx: DeadlineContext, prev: CaseDoc | null, next: CaseDoc): void {
  const { calendar, policy, catalog, at } = ctx;
  // The statutory clock starts when the engine does: at receipt, not at an online submission.
  const engineStarted = (prev?.engineStateJson ?? 'null') === 'null' && next.engineStateJson !== 'null';
  if (engineStarted && !next.clock && policy.statutory) {
    next.clock = startClock(calendar, policy.statutory, policy.cutoff, at, policy.reminderShare);
  }

  const known = new Set(prev?.waits.map((w) => w.executionId) ?? []);
  const paused = isPaused(next);
  next.waits = next.waits.map((w) => {
    const quota = w.kind === 'task' && !known.has(w.executionId) ? catalog.get(w.activityId)?.properties[TASK_QUOTA] : undefined;
    if (!quota || w.kind !== 'task') return w;
    const clock = startClock(calendar, quota, null, at, policy.reminderShare);
    return { ...w, clock: paused ? pauseClock(calendar, clock, at, openPauseReason(next.clock) ?? 'paused') : clock };
  });

  const pausing = next.waits.find((w) => w.kind === 'message' && catalog.get(w.activityId)?.properties[PAUSES_CLOCK] === 'true');
  if (pausing && !isPaused(next)) pauseAll(ctx, next, `${DIAGRAM_PAUSE}${pausing.activityId}`);
  if (!pausing && openPauseReason(next.clock)?.startsWith(DIAGRAM_PAUSE)) resumeAll(ctx, next);

  if (next.status === 'completed' && next.clock) next.sla = classify(calendar, next.clock, at);
}

export type DeadlineKind = 'reminder' | 'breach';

export const deadlineJobId = (caseId: string, subject: string, kind: DeadlineKind, generation: number): string =>
  `dl-${caseId}-${subject}-${kind}-g${generation}`;

/** Clocks by subject: 'case' for the statutory clock, the task id for step clocks. */
function clocksOf(doc: CaseDoc | null): Map<string, Clock> {
  const clocks = new Map<string, Clock>();
  if (!doc || doc.status === 'completed' || doc.status === 'terminated') return clocks;
  if (doc.clock) clocks.set('case', doc.clock);
  for (const w of doc.waits) if (hasClock(w)) clocks.set(w.taskId, w.clock);
  return clocks;
}

/** Reminder and breach jobs to add and drop when clocks changed generation or went away. */
export function deadlineJobs(prev: CaseDoc | null, next: CaseDoc) {
  const before = clocksOf(prev);
  const after = clocksOf(next);
  const scheduled: ScheduledJob[] = [];
  const cancelled: { queue: 'deadlines'; jobId: string }[] = [];
  for (const [subject, clock] of before) {
    if (after.get(subject)?.generation === clock.generation) continue;
    for (const kind of ['reminder', 'breach'] as const) {
      cancelled.push({ queue: 'deadlines', jobId: deadlineJobId(next._id, subject, kind, clock.generation) });
    }
  }
  for (const [subject, clock] of after) {
    if (before.get(subject)?.generation === clock.generation || clock.pausedAt) continue;
    const plan: [DeadlineKind, string | null][] = [
      ['reminder', clock.reminded ? null : clock.remindAt],
      ['breach', clock.breached ? null : clock.dueAt],
    ];
    for (const [kind, runAt] of plan) {
      if (!runAt) continue;
      scheduled.push({
        queue: 'deadlines',
        jobId: deadlineJobId(next._id, subject, kind, clock.generation),
        runAt,
        data: { caseId: next._id, subject, kind, generation: clock.generation },
      });
    }
  }
  return { scheduled, cancelled };
}

/** The clock a deadline job is about, if it still exists. */
export function clockOf(doc: CaseDoc, subject: string): Clock | null {
  if (subject === 'case') return doc.clock;
  const wait = doc.waits.find((w): w is TaskWait => w.kind === 'task' && w.taskId === subject);
  return wait?.clock ?? null;
}

export function withClock(doc: CaseDoc, subject: string, clock: Clock): CaseDoc {
  if (subject === 'case') return { ...doc, clock };
  return { ...doc, waits: doc.waits.map((w) => (w.kind === 'task' && w.taskId === subject ? { ...w, clock } : w)) };
}
