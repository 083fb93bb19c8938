import { localDateOf, parseDuration, resolveDue, type ParsedDuration, type WorkingCalendar } from '../calendar/index.js';
import type { CaseDoc } from '../domain/case.js';
import { caseUnitIds } from '../domain/unit-scope.js';
import { badRequest, conflict } from '../domain/errors.js';
import { classify, clockMinutesBetween } from '../deadlines/clock.js';
import { clockOf, isPaused, pauseAll, recomputeAll, resumeAll, withClock, type DeadlineKind } from '../deadlines/case-deadlines.js';
import type { EscalationDoc, NotificationDoc } from '../store/documents.js';
import type { Collections } from '../store/mongo.js';
import { jobIdFor } from '../engine/step-runner.js';
import type { CaseTransactions } from './case-transactions.js';
import { caseView, type CaseView } from './views.js';
import { apologyLeadDays, assertApologyAllowed, isApologyLate } from '../dossiers/request-limits.js';

/**
 * BPMN timers written in working time ("2 working days") are due where the calendar says:
 * after a calendar change their due instants are computed again from when they were armed,
 * and a moved timer gets a fresh job id (the old job is dropped by the commit).
 */
function moveWorkingTimers(calendar: WorkingCalendar, doc: CaseDoc, suffix: string): boolean {
  let moved = false;
  doc.waits = doc.waits.map((w) => {
    if (w.kind !== 'timer' || w.timerType !== 'timeDuration' || !w.definition) return w;
    let parsed: ParsedDuration;
    try {
      parsed = parseDuration(w.definition);
    } catch {
      return w; // an ISO 8601 duration: wall-clock, not affected
    }
    if (parsed.kind === 'wallclock') return w;
    const expireAt = resolveDue(calendar, new Date(w.since), parsed).toISOString();
    if (expireAt === w.expireAt) return w;
    moved = true;
    return { ...w, expireAt, jobId: `${jobIdFor('timer', doc._id, w.executionId)}-${suffix}` };
  });
  return moved;
}

export type EscalationOutcome = { fired: EscalationDoc } | 'stale' | { notBefore: string };

const isOpen = (doc: CaseDoc) => doc.status === 'active' || doc.status === 'incident';

/**
 * The statutory clock's use cases: stop and restart it for the applicant, fire reminders
 * and breaches exactly once, record apologies, and follow calendar changes.
 */
export function createDeadlineService(tx: CaseTransactions, collections: Collections) {
  const { now, workerLockWaitMs } = tx.deps;
  const next = (doc: CaseDoc, at: Date): CaseDoc => ({ ...doc, revision: doc.revision + 1, updatedAt: at.toISOString() });

  function requireClock(doc: CaseDoc): void {
    if (!isOpen(doc)) throw conflict('CASE_NOT_ACTIVE', `case '${doc._id}' is ${doc.status}`, { caseId: doc._id });
    if (!doc.clock) throw conflict('NO_DEADLINE', `case '${doc._id}' has no statutory clock (its procedure sets no statutoryTime)`);
  }

  return {
    async pause(caseId: string, reason: string, by: string): Promise<CaseView> {
      return tx.onCase(caseId, async (current) => {
        requireClock(current);
        if (isPaused(current)) throw conflict('CLOCK_ALREADY_PAUSED', `the clock of case '${caseId}' is already stopped`);
        const at = now();
        const deadlines = await tx.deadlineContext(current, at);
        const changed = next(current, at);
        pauseAll(deadlines, changed, reason);
        const records = [{ type: 'clock.paused', by, data: { reason } }];
        return caseView(await tx.commitChange({ current, next: changed, done: null, by, records, deadlines }));
      });
    },

    async resume(caseId: string, by: string): Promise<CaseView> {
      return tx.onCase(caseId, async (current) => {
        requireClock(current);
        if (!isPaused(current)) throw conflict('CLOCK_NOT_PAUSED', `the clock of case '${caseId}' is running`);
        const at = now();
        const deadlines = await tx.deadlineContext(current, at);
        const changed = next(current, at);
        resumeAll(deadlines, changed);
        const records = [{ type: 'clock.resumed', by, data: { mode: deadlines.policy.resumeMode, dueAt: changed.clock?.dueAt } }];
        return caseView(await tx.commitChange({ current, next: changed, done: null, by, records, deadlines }));
      });
    },

    /** A deadline job came due. Fires only for the clock generation it was scheduled for. */
    async escalate(caseId: string, subject: string, kind: DeadlineKind, generation: number): Promise<EscalationOutcome> {
      return tx.onCase(
        caseId,
        async (current) => {
          const clock = clockOf(current, subject);
          if (!isOpen(current) || !clock || clock.generation !== generation || clock.pausedAt) return 'stale';
          if (kind === 'reminder' ? clock.reminded : clock.breached) return 'stale';
          const target = kind === 'reminder' ? clock.remindAt : clock.dueAt;
          const at = now();
          if (target && new Date(target).getTime() > at.getTime()) return { notBefore: target };

          const deadlines = await tx.deadlineContext(current, at);
          const flagged = kind === 'reminder' ? { ...clock, reminded: true } : { ...clock, breached: true, everLate: true };
          const changed = withClock(next(current, at), subject, flagged);
          const sla = classify(deadlines.calendar, clock, at);
          const task = current.waits.find((w) => w.kind === 'task' && w.taskId === subject);
          const escalation: EscalationDoc = {
            _id: `${caseId}-${subject}-${kind}-g${generation}`,
            caseId,
            procedureKey: current.procedureKey,
            subject,
            activityId: task?.activityId ?? null,
            kind,
            generation,
            at: at.toISOString(),
            dueAt: clock.dueAt,
            budgetMinutes: clock.budgetMinutes,
            usedMinutes: sla.usedMinutes,
            unitIds: caseUnitIds(current),
          };
          const notification: NotificationDoc = {
            _id: `escalation-${escalation._id}`,
            caseId,
            topic: `deadline.${kind}`,
            createdAt: escalation.at,
            payloadJson: JSON.stringify(escalation),
            deliveredAt: null,
          };
          const records = [{ type: `deadline.${kind}`, activityId: task?.activityId, by: 'system', data: { subject, dueAt: clock.dueAt } }];
          await tx.commitChange({
            current,
            next: changed,
            done: null,
            by: 'system',
            records,
            deadlines,
            extra: { escalations: [escalation], notifications: [notification] },
          });
          return { fired: escalation };
        },
        workerLockWaitMs,
      );
    },

    /** Letter of apology with a new appointment date; the case stays counted as late. */
    async apologize(caseId: string, input: { reason: string; newDueAt: string }, by: string): Promise<CaseView> {
      return tx.onCase(caseId, async (current) => {
        requireClock(current);
        const clock = current.clock;
        if (!clock) throw conflict('NO_DEADLINE', 'no statutory clock');
        const newDue = new Date(input.newDueAt);
        if (Number.isNaN(newDue.getTime())) throw badRequest('INVALID_INSTANT', `'${input.newDueAt}' is not an ISO 8601 instant`);
        if (newDue.getTime() <= new Date(clock.dueAt).getTime()) {
          throw badRequest('NEW_DATE_NOT_LATER', 'the new appointment date must be after the current one', { dueAt: clock.dueAt });
        }
        const at = now();
        const facts = await tx.deps.procedures.facts(current.procedureKey, current.procedureVersion);
        assertApologyAllowed(clock.dueAt, at, current.apologies ?? [], facts.properties);
        const deadlines = await tx.deadlineContext(current, at);
        const late = isApologyLate(clock.dueAt, at, facts.properties, deadlines.calendar);
        const apology = { at: at.toISOString(), by, reason: input.reason, previousDueAt: clock.dueAt, newDueAt: newDue.toISOString(), late, leadWorkingDays: apologyLeadDays(facts.properties) };
        // The budget grows to reach the new date, so later recomputations keep it.
        const budgetMinutes = clock.consumedMinutes + clockMinutesBetween(deadlines.calendar, clock, new Date(clock.startedAt), newDue);
        // The new date is the official's: later recomputations keep its clock time.
        const moved = { ...clock, end: 'clock-time' as const, budgetMinutes, dueAt: apology.newDueAt, everLate: true, breached: false, remindAt: null, generation: clock.generation + 1 };
        const changed = { ...next(current, at), clock: moved, apologies: [...current.apologies, apology] };
        const records = [{ type: 'deadline.apology', by, data: apology }];
        return caseView(await tx.commitChange({ current, next: changed, done: null, by, records, deadlines }));
      });
    },

    /** Open cases with a clock or a timer: the ones a calendar change may move. */
    async casesWithClocks(): Promise<string[]> {
      // One indexed equality per open status (FerretDB 1.24 scans every case for `$in`), streamed in batches.
      const ids: string[] = [];
      for (const status of ['active', 'incident'] as const) {
        const cursor = collections.cases.find({ status }, { projection: { _id: 1, clock: 1, waits: 1 } }).batchSize(200);
        for await (const d of cursor) if (d.clock || d.waits.some((w) => (w.kind === 'task' && w.clock) || w.kind === 'timer')) ids.push(d._id);
      }
      return ids;
    },

    /** After a calendar change: fresh due instants and jobs for one case, if the change can move them. */
    async recomputeCase(caseId: string, affectedFrom: string): Promise<boolean> {
      return tx.onCase(
        caseId,
        async (current) => {
          if (!isOpen(current)) return false;
          const at = now();
          const deadlines = await tx.deadlineContext(current, at);
          const updated = next(current, at);
          const timersMoved = moveWorkingTimers(deadlines.calendar, updated, `cal${updated.revision}`);
          const clocks = [current.clock, ...current.waits.map((w) => (w.kind === 'task' ? w.clock : undefined))];
          // A change before a clock's due day cannot move it; one on or after it can.
          const clocksAffected = clocks.some((c) => c && localDateOf(new Date(c.dueAt)) >= affectedFrom);
          if (!clocksAffected && !timersMoved) return false;
          if (clocksAffected) recomputeAll(deadlines, updated);
          const records = [{ type: 'deadline.recomputed', by: 'calendar', data: { affectedFrom, dueAt: updated.clock?.dueAt ?? null } }];
          await tx.commitChange({ current, next: updated, done: null, by: 'calendar', records, deadlines });
          return true;
        },
        workerLockWaitMs,
      );
    },
  };
}

export type DeadlineService = ReturnType<typeof createDeadlineService>;
