import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { portalSyncJobOptions } from '../integration/portal-sync.js';
import type { JobEffects } from '../store/case-store.js';
import type { JobLookup } from './reconcile.js';
import type { Effects, ScheduledJob } from '../store/documents.js';

export const QUEUE_NAMES = {
  timers: 'timers',
  serviceTasks: 'service-tasks',
  deadlines: 'deadlines',
  portalSync: 'portal-sync',
  notifications: 'notifications',
  calls: 'calls',
  signals: 'signals',
} as const;

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

const DAY_SECONDS = 24 * 3600;

/** Timer and deadline jobs retry (a busy case, a store hiccup) quickly and for days. */
export const SYSTEM_BACKOFF = 'capped-exponential';
const systemJobOptions: JobsOptions = {
  attempts: 10_000,
  backoff: { type: SYSTEM_BACKOFF },
  removeOnComplete: { age: 7 * DAY_SECONDS },
  removeOnFail: { age: 30 * DAY_SECONDS },
};

/**
 * Finished jobs are kept for a while on purpose: re-adding a known jobId is a no-op, which
 * is what makes replaying a half-applied commit safe.
 */
function defaultJobOptions(retry: RetryPolicy): JobsOptions {
  return {
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
    removeOnComplete: { age: 7 * DAY_SECONDS },
    removeOnFail: { age: 30 * DAY_SECONDS },
  };
}

export interface Queues {
  timers: Queue;
  serviceTasks: Queue;
  deadlines: Queue;
  /** Producer side only: src/integration delivers (its own worker and retry policy). */
  portalSync: Queue;
  notifications: Queue;
  /** Call activities: start a child, hand its end back, cancel it (src/cases/call-activities.ts). */
  calls: Queue;
  /** Signal broadcasts (src/messaging/signals.ts): one job per signal, re-queued between batches. */
  signals: Queue;
  close(): Promise<void>;
}

export function createQueues(connection: ConnectionOptions, prefix: string, serviceRetry: RetryPolicy): Queues {
  const timers = new Queue(QUEUE_NAMES.timers, {
    connection,
    prefix,
    defaultJobOptions: systemJobOptions,
  });
  const serviceTasks = new Queue(QUEUE_NAMES.serviceTasks, {
    connection,
    prefix,
    defaultJobOptions: defaultJobOptions(serviceRetry),
  });
  const deadlines = new Queue(QUEUE_NAMES.deadlines, { connection, prefix, defaultJobOptions: systemJobOptions });
  const portalSync = new Queue(QUEUE_NAMES.portalSync, { connection, prefix, defaultJobOptions: portalSyncJobOptions() });
  const notifications = new Queue(QUEUE_NAMES.notifications, { connection, prefix, defaultJobOptions: systemJobOptions });
  const calls = new Queue(QUEUE_NAMES.calls, { connection, prefix, defaultJobOptions: systemJobOptions });
  const signals = new Queue(QUEUE_NAMES.signals, { connection, prefix, defaultJobOptions: systemJobOptions });
  return {
    timers,
    serviceTasks,
    deadlines,
    portalSync,
    notifications,
    calls,
    signals,
    async close() {
      await Promise.all([timers.close(), serviceTasks.close(), deadlines.close(), portalSync.close(), notifications.close(), calls.close(), signals.close()]);
    },
  };
}

export function createJobLookup(queues: Queues): JobLookup {
  const queueOf = (job: ScheduledJob) =>
    ({
      timers: queues.timers,
      'service-tasks': queues.serviceTasks,
      deadlines: queues.deadlines,
      'portal-sync': queues.portalSync,
      notifications: queues.notifications,
      calls: queues.calls,
      signals: queues.signals,
    })[job.queue];
  return {
    state: (job) => queueOf(job).getJobState(job.jobId),
    async revive(job) {
      await (await queueOf(job).getJob(job.jobId))?.retry('failed');
    },
  };
}

export function createJobEffects(queues: Queues, now: () => Date): JobEffects {
  const byName = {
    timers: queues.timers,
    'service-tasks': queues.serviceTasks,
    deadlines: queues.deadlines,
    'portal-sync': queues.portalSync,
    notifications: queues.notifications,
    calls: queues.calls,
    signals: queues.signals,
  };
  const queueOf = (name: ScheduledJob['queue']) => byName[name];
  return {
    async apply(effects: Effects) {
      for (const job of effects.jobsScheduled) {
        const delay = Math.max(0, new Date(job.runAt).getTime() - now().getTime());
        await queueOf(job.queue).add(job.queue, job.data, { jobId: job.jobId, delay });
      }
      for (const { queue, jobId } of effects.jobsCancelled) {
        // An active job cannot be removed; its processor finds the wait gone and does nothing.
        await queueOf(queue).remove(jobId).catch(() => 0);
      }
    },
  };
}
