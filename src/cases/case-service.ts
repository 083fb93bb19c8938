import { randomUUID } from 'node:crypto';
import type { CaseDoc, Incident, ParentCall, Wait } from '../domain/case.js';
import { retriedCallWait } from '../engine/call-activity.js';
import { conflict, DomainError, notFound, unprocessable } from '../domain/errors.js';
import { applyDeadlines } from '../deadlines/case-deadlines.js';
import type { DossierInfo } from '../dossiers/types.js';
import { jobIdFor, runStep, type StepAction } from '../engine/step-runner.js';
import { expressionLimitOf } from '../engine/feel-sandbox.js';
import { engineErrorCode } from '../engine/engine-errors.js';
import { recordWaitOutput } from '../engine/multi-instance.js';
import { caseDataProblem } from '../engine/validation/limits.js';
import { calendarDurationResolver } from '../deadlines/timer-durations.js';
import type { CaseTransactions } from './case-transactions.js';
import { emptyEffects, fromStepEvents, historyEntries, jobFor, type StepRecord } from './effects.js';
import { caseView, type CaseView } from './views.js';
import type { StartTrigger } from '../engine/start-gate.js';
import { DEFAULT_MAX_PENDING_TIMERS_PER_CASE, dueTimers, TIMER_LIMIT_CODE, timerLimitBreach } from '../scheduler/timer-policy.js';

/** Who asked: a client (gets errors back) or the system (turns errors into incidents). */
type Origin = { kind: 'client'; by: string } | { kind: 'system'; by: string };

export interface Advance {
  action: StepAction;
  /** Case data to merge before the step runs (task data, message payload, service output). */
  data?: Record<string, unknown>;
  records: StepRecord[];
  origin: Origin;
  /** Extra changes to the case document, committed atomically with the step. */
  mutate?: (next: CaseDoc) => void;
  /** What came with a completed task, for the tracking sheet. */
  doneData?: Record<string, unknown>;
  /** A multi-instance instance's result: into its output collection, not merged into the case. */
  instanceOutput?: { wait: Wait; data: Record<string, unknown> };
}

/**
 * The use cases that move cases forward. Each one: lock the case, finish any commit a dead
 * process left behind, run one engine step, commit the result atomically, release.
 */
export function createCaseService(tx: CaseTransactions, options: { maxPendingTimers?: number } = {}) {
  const { store, lock, procedures, now, workerLockWaitMs } = tx.deps;
  const maxPendingTimers = options.maxPendingTimers ?? DEFAULT_MAX_PENDING_TIMERS_PER_CASE;
  const onCase = tx.onCase;

  async function step(current: CaseDoc | null, base: CaseDoc, advance: Advance): Promise<CaseDoc> {
    const at = now();
    const atIso = at.toISOString();
    const procedure = await procedures.compiled(base.procedureKey, base.procedureVersion);
    // A dossier received again after an incident at its start stays put until the incident is retried.
    if (current?.status === 'incident' && advance.action.type === 'start') return current;
    const variables = { ...(JSON.parse(base.variablesJson) as Record<string, unknown>), ...advance.data };
    if (advance.instanceOutput) recordWaitOutput(variables, procedure.catalog, advance.instanceOutput.wait, advance.instanceOutput.data);
    const dataProblem = caseDataProblem(variables, procedures.limits.caseDataMaxBytes);
    if (dataProblem) {
      if (advance.origin.kind === 'client' || !current) throw dataProblem;
      return raiseIncident(current, { kind: 'execution', code: dataProblem.code, message: dataProblem.message, at: atIso }, advance.origin.by);
    }
    const outcome = await runStep({
      procedure,
      caseId: base._id,
      engineState: current ? JSON.parse(current.engineStateJson) : null,
      variables,
      waits: current?.waits ?? [],
      action: advance.action,
      now: at,
      resolveDuration: calendarDurationResolver(await tx.deps.calendar()),
    });

    if (outcome.status === 'error') {
      const message = outcome.error?.message ?? 'engine error';
      // A condition over its budget is an incident even when a client asked: it will fail the same way again.
      const limit = expressionLimitOf(outcome.error);
      // The diagram's own reason when the engine gives one (e.g. INCLUSIVE_NO_FLOW), else generic.
      const code = limit ?? engineErrorCode(outcome.error);
      if (!current) {
        throw unprocessable(code ?? 'EXECUTION_FAILED', `the procedure could not continue: ${message}`, { caseId: base._id });
      }
      if (advance.origin.kind === 'client' && !limit) {
        throw unprocessable(code ?? 'EXECUTION_FAILED', `the procedure could not continue: ${message}`, { caseId: base._id });
      }
      const wait = 'wait' in advance.action ? advance.action.wait : 'waits' in advance.action ? advance.action.waits[0] : null;
      const where = wait ? { activityId: wait.activityId, executionId: wait.executionId } : {};
      const raised = await raiseIncident(current, { kind: 'execution', ...(code ? { code } : {}), ...where, message, at: atIso }, advance.origin.by);
      if (advance.origin.kind === 'client') {
        throw unprocessable(code ?? 'EXECUTION_FAILED', `the procedure could not continue: ${message}`, { caseId: base._id, status: raised.status });
      }
      return raised;
    }
    if (!outcome.actionApplied) {
      throw conflict('NOT_WAITING', `case '${base._id}' no longer waits there`, { caseId: base._id });
    }
    // A cycle or loop that would pile up timers: refused to a client, an incident otherwise.
    const breach = timerLimitBreach(current?.waits ?? [], outcome.waits, maxPendingTimers);
    if (breach) {
      const message = `the step would leave ${breach.pending} timers pending on the case (limit ${breach.limit}) / bước này sẽ tạo quá số hẹn giờ cho phép của hồ sơ`;
      if (advance.origin.kind === 'client' || !current) throw unprocessable(TIMER_LIMIT_CODE, message, { caseId: base._id, ...breach });
      const wait = 'wait' in advance.action ? advance.action.wait : 'waits' in advance.action ? advance.action.waits[0] : null;
      const where = wait ? { activityId: wait.activityId, executionId: wait.executionId } : {};
      return raiseIncident(current, { kind: 'timer', code: TIMER_LIMIT_CODE, ...where, message, at: atIso }, advance.origin.by);
    }

    const next: CaseDoc = {
      ...base,
      status: outcome.status,
      revision: base.revision + 1,
      variablesJson: JSON.stringify(variables),
      engineStateJson: JSON.stringify(outcome.engineState),
      waits: outcome.waits,
      incident: null,
      updatedAt: atIso,
      endedAt: outcome.status === 'completed' ? atIso : null,
      ...(outcome.endError ? { endError: outcome.endError } : {}),
    };
    // The commit schedules a broadcast of each signal thrown in this step (src/messaging/subscription-policy.ts).
    if (outcome.signalsThrown.length > 0) next.thrownSignals = outcome.signalsThrown.map((s) => ({ ...s, revision: next.revision }));
    else delete next.thrownSignals;
    advance.mutate?.(next);
    const deadlines = await tx.deadlineContext(base, at);
    applyDeadlines(deadlines, current, next);
    // Of a batch of timers, only those that fired are recorded (an earlier one may cancel a later one).
    const fired = new Set(outcome.fired);
    const ownRecords = advance.action.type === 'fireTimers' ? advance.records.filter((r) => !r.executionId || fired.has(r.executionId)) : advance.records;
    const records = [...ownRecords, ...fromStepEvents(outcome.events)];
    if (next.status === 'completed') records.push({ type: 'case.completed', ...(next.sla ? { data: { sla: next.sla } } : {}) });
    const done = 'wait' in advance.action ? advance.action.wait : null;
    return tx.commitChange({ current, next, done, by: advance.origin.by, doneData: advance.doneData ?? null, records, deadlines });
  }

  async function raiseIncident(current: CaseDoc, incident: Incident, by: string): Promise<CaseDoc> {
    const next: CaseDoc = { ...current, status: 'incident', incident, revision: current.revision + 1, updatedAt: incident.at };
    return tx.commitChange({
      current,
      next,
      done: null,
      by,
      records: [{ type: 'incident.raised', activityId: incident.activityId, by, data: { kind: incident.kind, message: incident.message } }],
      deadlines: await tx.deadlineContext(current, new Date(incident.at)),
    });
  }

  function findWait<K extends Wait['kind']>(c: CaseDoc, kind: K, match: (w: Extract<Wait, { kind: K }>) => boolean) {
    return c.waits.find((w): w is Extract<Wait, { kind: K }> => w.kind === kind && match(w as Extract<Wait, { kind: K }>));
  }

  function requireActive(c: CaseDoc): void {
    if (c.status !== 'active') {
      throw conflict('CASE_NOT_ACTIVE', `case '${c._id}' is ${c.status}`, { caseId: c._id, status: c.status });
    }
  }

  /** Building blocks for other services already holding the case lock (dossier lifecycle). */
  const locked = {
    step: (current: CaseDoc, advance: Advance) => step(current, current, advance),
    /** Starts the engine of a case stored without one (a dossier received after submission). */
    startEngine: (current: CaseDoc, advance: Omit<Advance, 'action'>) => step(current, current, { ...advance, action: { type: 'start' } }),
    raiseIncident,
    findWait,
  };

  return {
    locked,

    async start(input: {
      caseId?: string;
      procedureKey: string;
      procedureVersion?: number;
      data: Record<string, unknown>;
      by: string;
      /** The unit the case belongs to (checked by the caller: in scope, active); a dossier's is its processing unit. */
      unitId: string;
      dossier?: DossierInfo;
      /** A dossier submitted but not yet received: stored, but its engine does not run yet. */
      deferEngine?: boolean;
      /** The caller's own key for the case: messages correlate on it (src/messaging). */
      businessKey?: string;
      /** The message or signal start event the case starts from (src/messaging). */
      trigger?: StartTrigger;
      /** A child case: the parent and its call activity (src/cases/call-activities.ts). */
      parentCall?: ParentCall;
    }): Promise<CaseView> {
      const version = input.procedureVersion
        ? { key: input.procedureKey, version: input.procedureVersion }
        : await procedures.latest(input.procedureKey);
      const at = now().toISOString();
      const base: CaseDoc = {
        _id: input.caseId ?? randomUUID(),
        procedureKey: version.key,
        procedureVersion: version.version,
        status: 'active',
        revision: 0,
        variablesJson: '{}',
        engineStateJson: 'null',
        waits: [],
        incident: null,
        clock: null,
        sla: null,
        apologies: [],
        dossier: input.dossier ?? null,
        ...(input.businessKey ? { businessKey: input.businessKey } : {}),
        unitId: input.unitId,
        ...(input.parentCall ? { parentCall: input.parentCall } : {}),
        createdAt: at,
        updatedAt: at,
        endedAt: null,
      };
      const startRecord = { type: input.dossier ? 'dossier.submitted' : 'case.started', by: input.by, data: input.data };
      const create = async (): Promise<CaseView> => {
        if (input.deferEngine) {
          const dataProblem = caseDataProblem(input.data, procedures.limits.caseDataMaxBytes);
          if (dataProblem) throw dataProblem;
          const stored = { ...base, variablesJson: JSON.stringify(input.data), revision: 1 };
          const deadlines = await tx.deadlineContext(base, new Date(at));
          return caseView(await tx.commitChange({ current: null, next: stored, done: null, by: input.by, records: [startRecord], deadlines }));
        }
        const next = await step(null, base, {
          action: input.trigger ? { type: 'start', trigger: input.trigger } : { type: 'start' },
          data: input.data,
          // A child case's history names the case and call activity that started it.
          records: input.parentCall ? [startRecord, { type: 'case.called', by: input.by, data: { parentCaseId: input.parentCall.caseId, activityId: input.parentCall.activityId } }] : [startRecord],
          origin: { kind: 'client', by: input.by },
        });
        return caseView(next);
      };
      // A caller-chosen id (idempotent retries) may be started twice at once: take turns, so
      // the twin finds the first one committed and applied.
      return input.caseId ? lock.withLock(base._id, create) : create();
    },

    async get(caseId: string): Promise<CaseView> {
      const doc = await store.get(caseId);
      if (!doc) throw notFound('case', caseId);
      return caseView(doc);
    },

    /** The case as last committed, even if its writer has not finished applying it yet. */
    async getCommitted(caseId: string): Promise<CaseView> {
      const doc = await lock.withLock(caseId, () => store.rollForward(caseId));
      if (!doc) throw notFound('case', caseId);
      return caseView(doc);
    },

    async completeTask(caseId: string, taskId: string, data: Record<string, unknown>, by: string): Promise<CaseView> {
      return onCase(caseId, async (current) => {
        const wait = findWait(current, 'task', (w) => w.taskId === taskId);
        if (!wait || current.status !== 'active') {
          throw conflict('TASK_NOT_OPEN', `task '${taskId}' is not open`, { taskId, caseId, caseStatus: current.status });
        }
        const next = await step(current, current, {
          action: { type: 'signal', wait },
          ...(wait.loop ? { instanceOutput: { wait, data } } : { data }),
          records: [{ type: 'task.completed', activityId: wait.activityId, executionId: wait.executionId, by, data }],
          origin: { kind: 'client', by },
          doneData: data,
        });
        return caseView(next);
      });
    },

    async deliverMessage(caseId: string, name: string, data: Record<string, unknown>, by: string): Promise<CaseView> {
      return onCase(caseId, async (current) => {
        requireActive(current);
        const wait = findWait(current, 'message', (w) => w.messageName === name || w.messageId === name);
        if (!wait) {
          throw conflict('NO_MESSAGE_WAIT', `case '${caseId}' is not waiting for message '${name}'`, {
            caseId,
            waitingFor: current.waits.filter((w) => w.kind === 'message').map((w) => w.messageName),
          });
        }
        const next = await step(current, current, {
          action: { type: 'signal', wait },
          data,
          records: [{ type: 'message.received', activityId: wait.activityId, executionId: wait.executionId, by, data: { name, data } }],
          origin: { kind: 'client', by },
        });
        return caseView(next);
      });
    },

    /**
     * BullMQ timer job: fires every timer of the case that is due (its own and any others) in
     * one step. Never waits for the lock: 'busy' tells the worker to come back shortly.
     */
    async fireTimer(caseId: string, executionId: string): Promise<'fired' | 'gone' | 'busy' | { notBefore: string }> {
      try {
        return await onCase(
          caseId,
          async (current) => {
            const own = findWait(current, 'timer', (w) => w.executionId === executionId);
            if (current.status !== 'active') return 'gone';
            const due = dueTimers(current.waits, now());
            if (due.length === 0) return own ? { notBefore: own.expireAt } : 'gone';
            await step(current, current, {
              action: { type: 'fireTimers', waits: due },
              records: due.map((w) => ({ type: 'timer.fired', activityId: w.activityId, executionId: w.executionId, by: 'system', data: { dueAt: w.expireAt } })),
              origin: { kind: 'system', by: 'system' },
            });
            return own && !due.includes(own) ? { notBefore: own.expireAt } : 'fired';
          },
          0,
        );
      } catch (err) {
        if (err instanceof DomainError && err.code === 'CASE_BUSY') return 'busy';
        throw err;
      }
    },

    /** BullMQ service-task job: the plugin finished with `output`. */
    async completeService(caseId: string, executionId: string, attempt: number, output: Record<string, unknown>): Promise<boolean> {
      return onCase(
        caseId,
        async (current) => {
          const wait = findWait(current, 'service', (w) => w.executionId === executionId && w.attempt === attempt);
          if (!wait || current.status !== 'active') return false;
          await step(current, current, {
            action: { type: 'completeService', wait, output },
            ...(wait.loop ? { instanceOutput: { wait, data: output } } : { data: output }),
            records: [{ type: 'service.completed', activityId: wait.activityId, executionId, by: wait.topic, data: output }],
            origin: { kind: 'system', by: wait.topic },
          });
          return true;
        },
        workerLockWaitMs,
      );
    },

    /**
     * BullMQ service-task job: the plugin raised a BPMN error. A boundary error event or an error
     * event sub-process with its code takes the case on; nothing catching it, an incident with the code.
     */
    async raiseServiceError(caseId: string, executionId: string, attempt: number, code: string, message: string): Promise<boolean> {
      return onCase(
        caseId,
        async (current) => {
          const wait = findWait(current, 'service', (w) => w.executionId === executionId && w.attempt === attempt);
          if (!wait || current.status !== 'active') return false;
          await step(current, current, {
            action: { type: 'failService', wait, error: { code, message } },
            records: [{ type: 'service.bpmnError', activityId: wait.activityId, executionId, by: wait.topic, data: { code, message } }],
            origin: { kind: 'system', by: wait.topic },
          });
          return true;
        },
        workerLockWaitMs,
      );
    },

    /** BullMQ service-task job: the plugin's last attempt failed. */
    async failService(caseId: string, executionId: string, attempt: number, message: string, code?: string): Promise<boolean> {
      return onCase(
        caseId,
        async (current) => {
          const wait = findWait(current, 'service', (w) => w.executionId === executionId && w.attempt === attempt);
          if (!wait || current.status !== 'active') return false;
          const at = now().toISOString();
          await raiseIncident(current, { kind: 'service', ...(code ? { code } : {}), activityId: wait.activityId, executionId, message, at }, wait.topic);
          return true;
        },
        workerLockWaitMs,
      );
    },

    /**
     * Clears an incident. The failed service call gets a fresh job; timers get fresh jobs
     * too, since any that came due during the incident found the case not active.
     */
    async retryIncident(caseId: string, by: string): Promise<CaseView> {
      return onCase(caseId, async (current) => {
        const incident = current.incident;
        if (current.status !== 'incident' || !incident) {
          throw conflict('NO_INCIDENT', `case '${caseId}' has no incident to retry`, { caseId, status: current.status });
        }
        const at = now().toISOString();
        const revision = current.revision + 1;
        const waits = current.waits.map((w): Wait => {
          if (w.kind === 'timer') return { ...w, jobId: `${jobIdFor('timer', caseId, w.executionId)}-r${revision}` };
          if (w.kind === 'call' && w.executionId === incident.executionId) return retriedCallWait(caseId, w);
          if (w.kind === 'service' && w.executionId === incident.executionId) {
            return { ...w, attempt: w.attempt + 1, jobId: jobIdFor('svc', caseId, w.executionId, w.attempt + 1) };
          }
          return w;
        });
        const next: CaseDoc = { ...current, status: 'active', incident: null, waits, revision, updatedAt: at };
        const effects = emptyEffects();
        for (const w of waits) {
          const before = current.waits.find((p) => p.executionId === w.executionId);
          if (before?.kind === w.kind && 'jobId' in before && 'jobId' in w && before.jobId !== w.jobId) {
            effects.jobsScheduled.push(jobFor(caseId, w, at));
          }
        }
        effects.history = historyEntries(caseId, revision, at, [
          { type: 'incident.retried', activityId: incident.activityId, by, data: { incident } },
        ]);
        await store.commit(next, effects);
        return caseView(next);
      });
    },

    async terminate(caseId: string, reason: string, by: string): Promise<CaseView> {
      return onCase(caseId, async (current) => {
        if (current.status === 'completed' || current.status === 'terminated') {
          throw conflict('CASE_ENDED', `case '${caseId}' has already ended (${current.status})`, { caseId });
        }
        const at = now().toISOString();
        const next: CaseDoc = { ...current, status: 'terminated', waits: [], revision: current.revision + 1, updatedAt: at, endedAt: at };
        // The dossier rules close a dossier's case as stopped (refused before receipt) with this reason.
        if (current.dossier) next.dossier = { ...current.dossier, closingReason: reason };
        await tx.commitChange({
          current,
          next,
          done: null,
          by,
          records: [{ type: 'case.terminated', by, data: { reason } }],
          deadlines: await tx.deadlineContext(current, new Date(at)),
        });
        return caseView(next);
      });
    },

    /** Finishes commits a crashed process left half-applied. */
    async recoverUnapplied(olderThan: Date): Promise<number> {
      const ids = await store.unappliedCaseIds(olderThan);
      for (const id of ids) await lock.withLock(id, () => store.rollForward(id), workerLockWaitMs);
      return ids.length;
    },
  };
}

export type CaseService = ReturnType<typeof createCaseService>;
