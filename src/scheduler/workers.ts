import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import type { CaseService } from '../cases/case-service.js';
import type { DeadlineService } from '../cases/deadline-service.js';
import type { DeadlineKind } from '../deadlines/case-deadlines.js';
import { bpmnErrorOf, PermanentPluginError, type Plugin } from '../plugins/plugin-host.js';
import { cappedExponentialBackoff } from './backoff.js';
import { QUEUE_NAMES } from './queues.js';
import { busyRetryDelayMs } from './timer-policy.js';
import { instanceVariables } from '../engine/multi-instance.js';
import { processMetrics } from '../observability/metrics.js';

interface TimerJobData {
  caseId: string;
  executionId: string;
}

interface ServiceJobData {
  caseId: string;
  executionId: string;
  activityId: string;
  topic: string;
  attempt: number;
}

interface DeadlineJobData {
  caseId: string;
  subject: string;
  kind: DeadlineKind;
  generation: number;
}

/** A calendar change to apply to one case's clocks (durable, so a restart cannot skip a case). */
interface RecomputeJobData {
  caseId: string;
  affectedFrom: string;
}

export const RECOMPUTE_JOB = 'recompute';

export interface WorkerDeps {
  cases: CaseService;
  deadlines: DeadlineService;
  /** Delivers outbox notifications not yet delivered (escalations). */
  deliverNotification: (id: string) => Promise<void>;
  plugins: Map<string, Plugin>;
  loadVariables: (caseId: string) => Promise<Record<string, unknown> | null>;
  log: FastifyBaseLogger;
  now: () => Date;
  /** The `calls` queue's jobs (src/cases/call-activities.ts); absent: no call worker. */
  calls?: (data: Record<string, unknown>) => Promise<string>;
}

/**
 * Fires the case's due timers; a timer moved later (rescheduled deadline) is put back to
 * sleep, and a job whose case is locked steps aside for a moment instead of holding a slot.
 */
export function timerProcessor(deps: WorkerDeps) {
  return async (job: Job<TimerJobData>, token?: string): Promise<string> => {
    const result = await deps.cases.fireTimer(job.data.caseId, job.data.executionId);
    processMetrics.timerFired(typeof result === 'object' ? 'later' : result);
    if (result === 'busy' || typeof result === 'object') {
      const at = result === 'busy' ? Date.now() + busyRetryDelayMs(job.attemptsStarted) : new Date(result.notBefore).getTime();
      await job.moveToDelayed(at, token);
      throw new DelayedError();
    }
    return result;
  };
}

/** Retries a case update through transient failures (busy case, store hiccup) for about a minute. */
async function persistently<T>(work: () => Promise<T>): Promise<T> {
  const backoff = cappedExponentialBackoff(100, 5_000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= 15) throw err;
      await new Promise((resolve) => setTimeout(resolve, backoff(attempt, 'retry', err as Error, undefined) as number));
    }
  }
}

/**
 * Runs the plugin, then feeds its output to the case. A throw is retried by BullMQ with
 * back-off; the last attempt (or a permanent error) turns into an incident on the case.
 */
export function serviceTaskProcessor(deps: WorkerDeps) {
  return async (job: Job<ServiceJobData>): Promise<string> => {
    const { caseId, executionId, activityId, topic, attempt } = job.data;
    const plugin = deps.plugins.get(topic);
    const variables = await deps.loadVariables(caseId);
    const tryNumber = job.attemptsMade + 1;
    if (!variables) {
      // Jobs are added just before the case document is written (store/case-store.ts apply): the
      // service task right after a start event can find its new case not readable yet.
      if (tryNumber < (job.opts.attempts ?? 1)) throw new Error(`case ${caseId} is not readable yet`);
      return 'case-gone';
    }
    let output: Record<string, unknown>;
    try {
      if (!plugin) throw new PermanentPluginError(`no plugin is registered for topic '${topic}'`);
      output = (await plugin.run({
        caseId,
        activityId,
        idempotencyKey: `${caseId}-${executionId}`,
        attempt: tryNumber,
        variables: instanceVariables(variables, executionId),
        log: deps.log.child({ caseId, activityId, plugin: topic }),
      })) ?? {};
    } catch (err) {
      // A business outcome the diagram handles: at once, no retry (the case decides where it goes).
      const raised = bpmnErrorOf(err);
      if (raised) {
        deps.log.info({ caseId, activityId, topic, code: raised.code }, 'plugin raised a BPMN error');
        return (await persistently(() => deps.cases.raiseServiceError(caseId, executionId, attempt, raised.code, raised.message))) ? 'bpmn-error' : 'stale';
      }
      const message = err instanceof Error ? err.message : String(err);
      const last = err instanceof PermanentPluginError || tryNumber >= (job.opts.attempts ?? 1);
      deps.log.warn({ caseId, activityId, topic, attempt: tryNumber, last, err: message }, 'plugin failed');
      if (!last) throw err;
      // A coded failure (a business rule task's DECISION_*, EXPRESSION_LIMIT) keeps its code on the incident.
      const code = err instanceof PermanentPluginError ? (err as { code?: unknown }).code : undefined;
      await persistently(() => deps.cases.failService(caseId, executionId, attempt, message, typeof code === 'string' ? code : undefined));
      throw new UnrecoverableError(message);
    }
    // The plugin's work is done: recording it must not spend the plugin's retry budget.
    return (await persistently(() => deps.cases.completeService(caseId, executionId, attempt, output))) ? 'completed' : 'stale';
  };
}

/**
 * Fires a reminder or breach. The escalation commit is exactly-once (its id is unique);
 * delivery of its notification is at-least-once, retried from the outbox.
 */
export function deadlineProcessor(deps: WorkerDeps) {
  return async (job: Job<DeadlineJobData | RecomputeJobData>, token?: string): Promise<string> => {
    if (job.name === RECOMPUTE_JOB) {
      const { caseId, affectedFrom } = job.data as RecomputeJobData;
      return (await deps.deadlines.recomputeCase(caseId, affectedFrom)) ? 'moved' : 'unaffected';
    }
    const { caseId, subject, kind, generation } = job.data as DeadlineJobData;
    const outcome = await deps.deadlines.escalate(caseId, subject, kind, generation);
    if (typeof outcome === 'object' && 'notBefore' in outcome) {
      await job.moveToDelayed(new Date(outcome.notBefore).getTime(), token);
      throw new DelayedError();
    }
    await deps.deliverNotification(`escalation-${caseId}-${subject}-${kind}-g${generation}`);
    return outcome === 'stale' ? 'stale' : 'fired';
  };
}

export interface Workers {
  close(): Promise<void>;
}

export function startWorkers(connection: ConnectionOptions, prefix: string, concurrency: number, deps: WorkerDeps): Workers {
  const settings = { backoffStrategy: cappedExponentialBackoff(250, 15_000) };
  const workers = [
    new Worker(QUEUE_NAMES.timers, timerProcessor(deps), { connection, prefix, concurrency, settings }),
    new Worker(QUEUE_NAMES.serviceTasks, serviceTaskProcessor(deps), { connection, prefix, concurrency }),
    new Worker(QUEUE_NAMES.deadlines, deadlineProcessor(deps), { connection, prefix, concurrency, settings }),
    new Worker<{ id: string }>(QUEUE_NAMES.notifications, async (job) => deps.deliverNotification(job.data.id), { connection, prefix, concurrency, settings }),
  ];
  const calls = deps.calls;
  if (calls) (workers as Worker[]).push(new Worker(QUEUE_NAMES.calls, async (job: Job<Record<string, unknown>>) => calls(job.data), { connection, prefix, concurrency, settings }));
  for (const worker of workers) {
    worker.on('error', (err) => deps.log.error({ err, queue: worker.name }, 'worker error'));
    worker.on('failed', (job, err) => {
      if (err instanceof DelayedError) return;
      deps.log.warn({ queue: worker.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed');
    });
  }
  return {
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
