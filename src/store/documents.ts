import type { CaseDoc, HistoryEntry, TaskDoc } from '../domain/case.js';

export interface ProcedureDoc {
  _id: string;
  key: string;
  version: number;
  name: string;
  hash: string;
  xml: string;
  createdAt: string;
  publishedBy: string | null;
}

/** A job the commit wants in BullMQ; added after the commit point, so idempotent by jobId. */
export interface ScheduledJob {
  queue: 'timers' | 'service-tasks';
  jobId: string;
  runAt: string;
  data: Record<string, string | number>;
}

export interface Effects {
  tasksOpened: TaskDoc[];
  tasksClosed: { id: string; status: 'completed' | 'cancelled'; endedAt: string; completedBy: string | null }[];
  history: HistoryEntry[];
  jobsScheduled: ScheduledJob[];
  jobsCancelled: { queue: ScheduledJob['queue']; jobId: string }[];
}

/**
 * The write-ahead record of one step. Its unique `_id` (case id + revision) is the commit
 * point: whoever inserts it owns that revision. The payload is dropped once a later commit
 * is applied; the stub stays so a stale writer can never claim the revision again.
 */
export interface CommitDoc {
  _id: string;
  caseId: string;
  revision: number;
  at: string;
  applied: boolean;
  payload?: { case: CaseDoc; effects: Effects };
}

export interface IdempotencyDoc {
  _id: string;
  caseId: string;
  requestHash: string;
  createdAt: string;
}
