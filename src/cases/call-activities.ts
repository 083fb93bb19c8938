import type { CalledCase, CallWait, CaseDoc } from '../domain/case.js';
import { DomainError } from '../domain/errors.js';
import { childInput, childUnit, parentOutput, type CallSpec } from '../engine/call-activity.js';
import type { ScheduledJob } from '../store/documents.js';
import type { CaseService } from './case-service.js';
import type { CaseTransactions } from './case-transactions.js';
import type { CommitPolicy } from './commit-policy.js';

/*
 * Call activities: the child is a case of its own, started by a job the parent's commit
 * carries and resumed by a job the child's ending commit carries. Both jobs ride in the
 * write-ahead commit records, so a crash anywhere rolls forward; the parent consumes its call
 * wait in one commit, so it resumes exactly once however often a job runs. The child's id is
 * derived from the parent's id and execution (engine/call-activity.ts): two replicas, or a
 * replay, name the same child and cannot start two.
 */

/** Calls nested deeper than this (a procedure calling itself through others) are an incident. */
export const MAX_CALL_DEPTH = 8;

export type CallJobData =
  | { kind: 'start'; caseId: string; executionId: string; attempt: number }
  | { kind: 'return'; childCaseId: string }
  | { kind: 'cancel'; childCaseId: string; parentCaseId: string };

const ended = (c: CaseDoc | null): boolean => c?.status === 'completed' || c?.status === 'terminated';
const callWaits = (c: CaseDoc | null): CallWait[] => (c?.waits ?? []).filter((w): w is CallWait => w.kind === 'call');

function callJob(kind: 'return' | 'cancel', child: string, at: string, parent?: string): ScheduledJob {
  const data: Record<string, string> = { kind, childCaseId: child, ...(parent ? { parentCaseId: parent } : {}) };
  return { queue: 'calls', jobId: `call-${kind}-${child}`, runAt: at, data };
}

/**
 * In every commit: a child that ends hands back to its parent; a call wait that goes away
 * without its child's answer (the parent terminated, an interrupting boundary event) cancels
 * the child. The start job comes with the wait itself (effects.ts jobFor).
 */
export const callActivityPolicy: CommitPolicy = {
  name: 'call-activities',
  when: (current, next) => Boolean(next.parentCall) || callWaits(current).length > 0,
  apply(ctx, current, next, effects) {
    const still = new Set(callWaits(next).map((w) => w.childCaseId));
    for (const w of callWaits(current)) {
      if (still.has(w.childCaseId) || ctx.done?.executionId === w.executionId) continue;
      effects.jobsScheduled.push(callJob('cancel', w.childCaseId, ctx.at, next._id));
    }
    if (next.parentCall && ended(next) && !ended(current)) effects.jobsScheduled.push(callJob('return', next._id, ctx.at));
  },
};

export interface CallActivityDeps {
  tx: CaseTransactions;
  cases: CaseService;
  /** Whether a unit exists and takes work (a child at an unknown unit would be seen by nobody). */
  unitActive?: (unitId: string) => Promise<boolean>;
  maxDepth?: number;
}

export function createCallActivities(deps: CallActivityDeps) {
  const { tx, cases } = deps;
  const { store, lock, procedures, now } = tx.deps;
  const maxDepth = deps.maxDepth ?? MAX_CALL_DEPTH;

  /** The case as committed, a half-applied commit of a dead process rolled forward. */
  const committed = (caseId: string) => lock.withLock(caseId, () => store.rollForward(caseId), tx.deps.workerLockWaitMs);

  async function specOf(doc: CaseDoc, activityId: string): Promise<CallSpec | undefined> {
    return (await procedures.compiled(doc.procedureKey, doc.procedureVersion)).catalog.get(activityId)?.call;
  }

  /** The version the binding picks; a coded failure when there is none. */
  async function resolveVersion(spec: CallSpec): Promise<number> {
    const key = spec.calledElement;
    const missing = (code: string, what: string) =>
      new DomainError(code, `the called procedure ${what} is not published / thủ tục được gọi chưa được đăng`, 422, { procedureKey: key });
    const exists = await procedures.versions(key).catch(() => null);
    if (!exists) throw missing('CALLED_PROCEDURE_NOT_FOUND', `'${key}'`);
    if (spec.binding.kind === 'latest') return (await procedures.latest(key)).version;
    if (spec.binding.kind === 'version') {
      const wanted = spec.binding.version;
      if (!exists.some((v) => v.version === wanted)) throw missing('CALLED_VERSION_NOT_FOUND', `'${key}' version ${wanted}`);
      return wanted;
    }
    const tag = spec.binding.versionTag;
    for (const v of [...exists].reverse()) {
      if ((await procedures.compiled(key, v.version)).catalog.get(key)?.versionTag === tag) return v.version;
    }
    throw missing('CALLED_VERSION_NOT_FOUND', `'${key}' with version tag '${tag}'`);
  }

  async function incident(parent: CaseDoc, wait: CallWait, code: string, message: string): Promise<string> {
    const at = now().toISOString();
    await cases.locked.raiseIncident(parent, { kind: 'execution', code, activityId: wait.activityId, executionId: wait.executionId, message, at }, 'system');
    return code;
  }

  /** Starts the child (once), then records it on the parent (once). */
  async function start(parentId: string, executionId: string, attempt: number): Promise<string> {
    let handBack: string | null = null;
    const outcome = await tx.onCase(
      parentId,
      async (parent) => {
        const wait = callWaits(parent).find((w) => w.executionId === executionId && w.attempt === attempt);
        if (!wait) return 'stale';
        // Another branch's incident: retried by the job's back-off, or the child would never start.
        if (parent.status === 'incident') throw new Error(`case ${parentId} has an incident; its call starts after it is cleared`);
        if (parent.status !== 'active') return 'stale';
        const spec = await specOf(parent, wait.activityId);
        if (!spec) return incident(parent, wait, 'CALL_NOT_RUNNABLE', `call activity ${wait.activityId} has no called element`);
        let child = await committed(wait.childCaseId);
        if (!child) {
          const depth = (parent.parentCall?.depth ?? 0) + 1;
          if (depth > maxDepth) {
            return incident(parent, wait, 'CALL_DEPTH_EXCEEDED', `calls nested ${depth} deep (limit ${maxDepth}): a procedure calls itself through others / các thủ tục gọi lồng nhau quá sâu`);
          }
          const variables = JSON.parse(parent.variablesJson) as Record<string, unknown>;
          // Default: where the parent is worked now (a dossier moves with transfers), else its unit.
          const unitId = childUnit(spec, variables, parent.dossier?.currentUnitId ?? parent.unitId ?? null);
          if (!unitId) return incident(parent, wait, 'CALLED_UNIT_MISSING', `call activity ${wait.activityId}: no unit for the child case (variable ${spec.unit ?? ''} is empty)`);
          if (deps.unitActive && !(await deps.unitActive(unitId))) {
            return incident(parent, wait, 'CALLED_UNIT_UNKNOWN', `call activity ${wait.activityId}: unit '${unitId}' does not exist or is dissolved / đơn vị không tồn tại`);
          }
          try {
            const version = await resolveVersion(spec);
            await cases.start({
              caseId: wait.childCaseId,
              procedureKey: spec.calledElement,
              procedureVersion: version,
              data: childInput(spec, variables),
              by: `case:${parentId}`,
              unitId,
              parentCall: { caseId: parentId, activityId: wait.activityId, executionId, depth },
            });
          } catch (err) {
            if (!(err instanceof DomainError)) throw err;
            const code = err.code.startsWith('CALLED_') ? err.code : 'CALL_START_FAILED';
            return incident(parent, wait, code, `call activity ${wait.activityId}: ${err.message}${code === err.code ? '' : ` (${err.code})`}`);
          }
          child = await committed(wait.childCaseId);
          if (!child) throw new Error(`child case ${wait.childCaseId} is not readable after its start`);
        } else if (ended(child)) {
          handBack = child._id; // its return job may be gone (Redis lost it): hand back now
        }
        if (!(parent.calledCases ?? []).some((c) => c.caseId === child._id)) await record(parent, wait, child);
        return 'started';
      },
      tx.deps.workerLockWaitMs,
    );
    if (handBack) await returnToParent(handBack);
    return outcome;
  }

  async function record(parent: CaseDoc, wait: CallWait, child: CaseDoc): Promise<void> {
    const at = now().toISOString();
    const entry: CalledCase = {
      caseId: child._id,
      activityId: wait.activityId,
      executionId: wait.executionId,
      procedureKey: child.procedureKey,
      procedureVersion: child.procedureVersion,
      unitId: child.unitId ?? null,
      status: 'active',
      startedAt: child.createdAt,
      endedAt: null,
    };
    const next: CaseDoc = { ...parent, revision: parent.revision + 1, updatedAt: at, calledCases: [...(parent.calledCases ?? []), entry] };
    const { caseId, procedureKey, procedureVersion, unitId } = entry;
    await tx.commitChange({
      current: parent,
      next,
      done: null,
      by: 'system',
      records: [{ type: 'call.started', activityId: wait.activityId, executionId: wait.executionId, by: 'system', data: { childCaseId: caseId, procedureKey, procedureVersion, unitId } }],
      deadlines: await tx.deadlineContext(parent, new Date(at)),
    });
  }

  const settle = (status: CalledCase['status'], childId: string, at: string) => (next: CaseDoc) => {
    next.calledCases = (next.calledCases ?? []).map((c) => (c.caseId === childId ? { ...c, status, endedAt: at } : c));
  };

  /** The child ended: its parent takes the outputs (or the error) and moves on, once. */
  async function returnToParent(childId: string): Promise<string> {
    const child = await committed(childId);
    const link = child?.parentCall;
    if (!child || !link) return 'no-parent';
    if (!ended(child)) return 'not-ended';
    return tx.onCase(
      link.caseId,
      async (parent) => {
        const wait = callWaits(parent).find((w) => w.executionId === link.executionId && w.childCaseId === childId);
        if (!wait) return 'stale';
        // Retried by the job's back-off until the incident is cleared: the answer must not be lost.
        if (parent.status === 'incident') throw new Error(`case ${parent._id} has an incident; the child's answer waits`);
        if (parent.status !== 'active') return 'stale';
        const at = child.endedAt ?? now().toISOString();
        const about = { childCaseId: childId, procedureKey: child.procedureKey, procedureVersion: child.procedureVersion };
        if (child.status === 'terminated') {
          return incident(parent, wait, 'CALLED_CASE_TERMINATED', `the child case ${childId} was terminated before it finished / hồ sơ con đã bị dừng`);
        }
        if (child.endError) {
          const { code, message } = child.endError;
          await cases.locked.step(parent, {
            action: { type: 'callError', wait, code, message: `child case ${childId} ended with error ${code}: ${message}` },
            records: [{ type: 'call.error', activityId: wait.activityId, executionId: wait.executionId, by: 'system', data: { ...about, errorCode: code } }],
            origin: { kind: 'system', by: 'system' },
            mutate: settle('error', childId, at),
          });
          return 'error';
        }
        const spec = await specOf(parent, wait.activityId);
        const output = spec ? parentOutput(spec, JSON.parse(child.variablesJson) as Record<string, unknown>) : {};
        await cases.locked.step(parent, {
          action: { type: 'signal', wait },
          data: output,
          records: [{ type: 'call.completed', activityId: wait.activityId, executionId: wait.executionId, by: 'system', data: { ...about, output: Object.keys(output) } }],
          origin: { kind: 'system', by: 'system' },
          mutate: settle('completed', childId, at),
        });
        return 'resumed';
      },
      tx.deps.workerLockWaitMs,
    );
  }

  async function cancel(childId: string, parentId: string): Promise<string> {
    try {
      await cases.terminate(childId, `the calling case ${parentId} no longer waits for it / hồ sơ cha đã dừng`, 'system');
      return 'cancelled';
    } catch (err) {
      if (err instanceof DomainError && (err.code === 'CASE_ENDED' || err.statusCode === 404)) return 'gone';
      throw err;
    }
  }

  return {
    /** The `calls` queue's processor: every job is idempotent, so a replay or a twin does nothing new. */
    async process(data: CallJobData): Promise<string> {
      if (data.kind === 'start') return start(data.caseId, data.executionId, Number(data.attempt));
      if (data.kind === 'return') return returnToParent(data.childCaseId);
      return cancel(data.childCaseId, data.parentCaseId);
    },
  };
}

export type CallActivities = ReturnType<typeof createCallActivities>;
