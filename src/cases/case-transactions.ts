import type { WorkingCalendar } from '../calendar/index.js';
import type { CaseDoc, TaskWait, Wait } from '../domain/case.js';
import { applicantNotices } from '../dossiers/applicant-notices.js';
import { applyDossierRules } from '../dossiers/dossier-rules.js';
import { portalSyncJob } from '../integration/portal-outbox.js';
import { indexKeysOf, type IndexedCase } from '../reports/index-keys.js';
import { CommitConflict, notFound } from '../domain/errors.js';
import { classify } from '../deadlines/clock.js';
import { deadlineJobs, deadlinePolicy, type DeadlineContext } from '../deadlines/case-deadlines.js';
import type { CaseLock } from '../store/case-lock.js';
import type { CaseStore } from '../store/case-store.js';
import type { Effects, PortalOutboxDoc } from '../store/documents.js';
import { diffWaits, historyEntries, type StepRecord } from './effects.js';
import type { ProcedureService } from './procedure-service.js';

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
  /** The national-portal record for a dossier's new state (absent: no sync). */
  portalRecord?: (doc: CaseDoc, at: string) => PortalOutboxDoc;
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

  return {
    deps,

    /** Runs `work` on the case's current state under its lock; one retry after a lost race. */
    async onCase<T>(caseId: string, work: (current: CaseDoc) => Promise<T>, waitMs?: number): Promise<T> {
      return lock.withLock(
        caseId,
        async () => {
          for (let attempt = 0; ; attempt++) {
            const current = await store.rollForward(caseId);
            if (!current) throw notFound('case', caseId);
            try {
              return await work(current);
            } catch (err) {
              if (!(err instanceof CommitConflict) || attempt > 0) throw err;
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
      const portalChanged = applyDossierRules(
        { catalog: deadlines.catalog, at: atIso, by: input.by, done: input.done, doneData: input.doneData ?? null, slaOf },
        current,
        next,
      );
      // The service-index report reads dossiers by these equality keys (after the rules set finishedAt).
      if (next.dossier) (next as IndexedCase).indexKeys = indexKeysOf(next);
      const effects = diffWaits(next, current?.waits ?? [], input.done, input.by, atIso, slaOf);
      if (portalChanged && deps.portalRecord) {
        const record = deps.portalRecord(next, atIso);
        effects.portalOutbox.push(record);
        effects.jobsScheduled.push(portalSyncJob(record));
      }
      const jobs = deadlineJobs(current, next);
      effects.jobsScheduled.push(...jobs.scheduled);
      effects.jobsCancelled.push(...jobs.cancelled);
      effects.escalations.push(...(input.extra?.escalations ?? []));
      const notices = [...(input.extra?.notifications ?? []), ...applicantNotices(current, next, atIso)];
      effects.notifications.push(...notices);
      // Escalations are delivered by their deadline job; applicant notices by a job of their own.
      for (const n of notices) {
        if (n.topic.startsWith('applicant.')) effects.jobsScheduled.push({ queue: 'notifications', jobId: `notify-${n._id}`, runAt: atIso, data: { id: n._id } });
      }
      effects.history = historyEntries(next._id, next.revision, atIso, input.records);
      await store.commit(next, effects);
      return next;
    },
  };
}

export type CaseTransactions = ReturnType<typeof createCaseTransactions>;
