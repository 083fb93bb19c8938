import type { WorkingCalendar } from '../calendar/index.js';
import type { CaseDoc, TaskWait, Wait } from '../domain/case.js';
import { CommitConflict, DomainError, notFound } from '../domain/errors.js';
import { classify } from '../deadlines/clock.js';
import { deadlinePolicy, type DeadlineContext } from '../deadlines/case-deadlines.js';
import type { CaseLock } from '../store/case-lock.js';
import type { CaseStore } from '../store/case-store.js';
import type { Effects } from '../store/documents.js';
import { runPolicies, type CommitContext, type CommitPolicy } from './commit-policy.js';
import { diffWaits, historyEntries, type StepRecord } from './effects.js';
import type { ProcedureService } from './procedure-service.js';
import { processMetrics } from '../observability/metrics.js';

export interface CaseTransactionDeps {
  store: CaseStore;
  lock: CaseLock;
  procedures: ProcedureService;
  now: () => Date;
  calendar: () => Promise<WorkingCalendar>;
  /** Share of a budget at which a reminder fires, unless the procedure says otherwise. */
  reminderShare: number;
  /** Workers wait longer for a busy case than clients do: a job has nobody to retry it. */
  workerLockWaitMs: number;
  /** Run in order on every commit (deadlines, dossier lifecycle, portal outbox, notices…). */
  policies: readonly CommitPolicy[];
}

export interface ChangeInput {
  current: CaseDoc | null;
  next: CaseDoc;
  /** The wait the action consumed (its task counts as completed, not cancelled). */
  done: Wait | null;
  by: string;
  /** What came with the completed task (note, result): it goes on the tracking sheet. */
  doneData?: Record<string, unknown> | null;
  records: StepRecord[];
  deadlines: DeadlineContext;
  extra?: Partial<Pick<Effects, 'escalations' | 'notifications'>>;
}

/** The shared shape of every use case: lock, roll forward, change, commit with its effects. */
export function createCaseTransactions(deps: CaseTransactionDeps) {
  const { store, lock } = deps;
  // Commits of the attempt running under each case's lock (entries live only for that attempt).
  const commitCounts = new Map<string, number>();

  return {
    deps,

    /**
     * Runs `work` on the case's current state under its lock; one retry after a lost race.
     * The first attempt reads only the case: a commit a dead process left half-applied holds
     * the next revision, so the commit's insert meets it and the retry rolls it forward first.
     * A refusal on that first reading (or no case yet) is checked again on the rolled-forward state.
     */
    async onCase<T>(caseId: string, work: (current: CaseDoc) => Promise<T>, waitMs?: number): Promise<T> {
      const asked = performance.now();
      return lock.withLock(
        caseId,
        async () => {
          processMetrics.lockWaited((performance.now() - asked) / 1000);
          for (let attempt = 0; ; attempt++) {
            const current = attempt === 0 ? await store.get(caseId) : await store.rollForward(caseId);
            if (!current) {
              if (attempt === 0) continue;
              throw notFound('case', caseId);
            }
            commitCounts.set(caseId, 0);
            const began = performance.now();
            try {
              return await work(current);
            } catch (err) {
              if (err instanceof CommitConflict) processMetrics.commitConflict();
              // A refusal after the work committed (an incident recorded, then EXPRESSION_LIMIT
              // thrown) is the answer, not a stale read: retrying would act on the new state.
              const committed = (commitCounts.get(caseId) ?? 0) > 0;
              const retry = err instanceof CommitConflict || (attempt === 0 && err instanceof DomainError && !committed);
              if (!retry || attempt > 0) throw err;
            } finally {
              processMetrics.engineStep((performance.now() - began) / 1000);
              commitCounts.delete(caseId);
            }
          }
        },
        waitMs,
      );
    },

    async deadlineContext(doc: Pick<CaseDoc, 'procedureKey' | 'procedureVersion'>, at: Date): Promise<DeadlineContext> {
      const procedure = await deps.procedures.compiled(doc.procedureKey, doc.procedureVersion);
      return {
        calendar: await deps.calendar(),
        policy: deadlinePolicy(procedure, deps.reminderShare),
        catalog: procedure.catalog,
        at,
      };
    },

    /** Commits `next` as the case's next revision, with every side effect it implies. */
    async commitChange(input: ChangeInput): Promise<CaseDoc> {
      const { current, next, deadlines } = input;
      const atIso = deadlines.at.toISOString();
      const slaOf = (wait: TaskWait) => (wait.clock ? classify(deadlines.calendar, wait.clock, deadlines.at) : null);
      const ctx: CommitContext = {
        catalog: deadlines.catalog,
        calendar: deadlines.calendar,
        at: atIso,
        by: input.by,
        done: input.done,
        doneData: input.doneData ?? null,
        slaOf,
        marks: new Set(),
      };
      const effects = runPolicies(deps.policies, ctx, current, next, () => {
        const derived = diffWaits(next, current?.waits ?? [], input.done, input.by, atIso, slaOf);
        derived.escalations.push(...(input.extra?.escalations ?? []));
        derived.notifications.push(...(input.extra?.notifications ?? []));
        return derived;
      });
      effects.history = historyEntries(next._id, next.revision, atIso, input.records);
      await store.commit(next, effects);
      processMetrics.commit(current, next, effects);
      const counted = commitCounts.get(next._id);
      if (counted !== undefined) commitCounts.set(next._id, counted + 1);
      return next;
    },
  };
}

export type CaseTransactions = ReturnType<typeof createCaseTransactions>;
