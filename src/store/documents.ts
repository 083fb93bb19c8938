import type { CaseDoc, HistoryEntry, TaskDoc } from '../domain/case.js';
import type { SlaResult } from '../deadlines/clock.js';
import type { SubscriptionChanges } from './subscriptions.js';

export interface ProcedureDoc {
  _id: string;
  key: string;
  version: number;
  name: string;
  hash: string;
  xml: string;
  /** JSON Schema of the dossier data, published with the version (JSON text). */
  schemaJson: string | null;
  createdAt: string;
  publishedBy: string | null;
  /** Message and signal start events, `message:<name>` / `signal:<name>` (indexed: src/messaging finds the procedures a message starts). */
  startTriggers?: string[];
}

/** A job the commit wants in BullMQ; added after the commit point, so idempotent by jobId. */
export interface ScheduledJob {
  queue: 'timers' | 'service-tasks' | 'deadlines' | 'portal-sync' | 'notifications' | 'signals' | 'calls';
  jobId: string;
  runAt: string;
  data: Record<string, string | number>;
}

/** A reminder or breach that fired; `_id` makes it exactly-once. */
export interface EscalationDoc {
  _id: string;
  caseId: string;
  procedureKey: string;
  /** 'case' for the statutory deadline, else the task id. */
  subject: string;
  activityId: string | null;
  kind: 'reminder' | 'breach';
  generation: number;
  at: string;
  dueAt: string;
  budgetMinutes: number;
  usedMinutes: number;
  /** The dossier's units, for supervisors' scopes; null for a case without units. */
  unitIds: string[] | null;
}

/** Outbox record of a notification; a transport plugin delivers it (log by default). */
export interface NotificationDoc {
  _id: string;
  caseId: string;
  topic: string;
  createdAt: string;
  payloadJson: string;
  deliveredAt: string | null;
}

/** A status change of a dossier waiting to reach the national portal, in `seq` order. */
export interface PortalOutboxDoc {
  _id: string;
  dossierId: string;
  seq: number;
  payloadJson: string;
  createdAt: string;
  deliveredAt: string | null;
  attempts: number;
  lastError: string | null;
}

export interface Effects {
  tasksOpened: TaskDoc[];
  tasksClosed: { id: string; status: 'completed' | 'cancelled'; endedAt: string; completedBy: string | null; sla: SlaResult | null }[];
  tasksUpdated: { id: string; dueAt: string | null; escalation: TaskDoc['escalation']; unitId: string | null }[];
  history: HistoryEntry[];
  escalations: EscalationDoc[];
  notifications: NotificationDoc[];
  portalOutbox: PortalOutboxDoc[];
  jobsScheduled: ScheduledJob[];
  jobsCancelled: { queue: ScheduledJob['queue']; jobId: string }[];
  /** Message and signal subscriptions of the waits that opened and closed (src/messaging). */
  subscriptions?: SubscriptionChanges;
  /** Monitoring counter increments of this commit (src/monitoring), applied once per commit id. */
  rollups?: CounterDelta[];
  /** Extra fields `$set` on task rows in the commit's task bulk write (the monitoring lists' fields). */
  taskFields?: { id: string; set: Record<string, unknown> }[];
}

/** One `$inc` on a monitoring row (src/monitoring: counters, step statistics, attribution). */
export interface CounterDelta {
  _id: string;
  /** Which rows: absent for the period counters. */
  target?: string;
  inc: Partial<Record<string, number>>;
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
  /** Random per attempt: identifies the writer when the insert's answer was ambiguous. */
  writer: string;
  payload?: { case: CaseDoc; effects: Effects };
}

export interface IdempotencyDoc {
  _id: string;
  caseId: string;
  requestHash: string;
  createdAt: string;
}
