import type { Redis } from 'ioredis';
import { redisLeases } from '../store/redis-lease.js';
import type { Collections } from '../store/mongo.js';
import type { ScheduledJob } from '../store/documents.js';
import type { JobEffects } from '../store/case-store.js';
import type { CaseDoc } from '../domain/case.js';
import { emptyEffects, jobFor } from '../cases/effects.js';
import { deadlineJobs } from '../deadlines/case-deadlines.js';

export interface JobLookup {
  /** The state of a job id in its queue: 'unknown' when Redis does not have it. */
  state(job: ScheduledJob): Promise<string>;
  /** Runs a failed job again (its retries ran out while the case still needs it). */
  revive(job: ScheduledJob): Promise<void>;
}

/** Every job an open case needs right now: its timers, plugin calls and deadline reminders. */
export function expectedJobs(doc: CaseDoc, at: string): ScheduledJob[] {
  const jobs: ScheduledJob[] = [];
  if (doc.status === 'active') {
    for (const w of doc.waits) if (w.kind === 'timer' || w.kind === 'service' || w.kind === 'call') jobs.push(jobFor(doc._id, w, at));
  }
  jobs.push(...deadlineJobs(null, doc).scheduled);
  return jobs;
}

/** Re-created jobs per batch and the pause between batches: at most ~500 jobs/s into Redis. */
export const RECONCILE_BATCH = 100;
export const RECONCILE_PAUSE_MS = 200;
/** Open statuses, read one equality at a time: FerretDB 1.24 serves `{status: x}` from its GIN index, never `$in`. */
const OPEN_STATUSES = ['active', 'incident'] as const;

/** Long enough for one batch; extended after each. */
const RECONCILE_LEASE_MS = 120_000;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * MongoDB is the truth about what a case waits for; Redis only schedules it. If Redis lost
 * jobs (restarted without its append-only file, flushed), this puts back what is missing.
 * One replica at a time, under a Redis lease (renewed per batch). Reads only open cases, by
 * an indexed equality, in batches; re-creates jobs in batches of `batch` with `pauseMs`
 * between them so a Redis loss on a large database does not flood Redis or the workers.
 */
export async function reconcileJobs(deps: {
  collections: Collections;
  jobs: JobEffects;
  lookup: JobLookup;
  redis: Redis;
  prefix: string;
  now: () => Date;
  batch?: number;
  pauseMs?: number;
}): Promise<number> {
  const batch = deps.batch ?? RECONCILE_BATCH;
  const pauseMs = deps.pauseMs ?? RECONCILE_PAUSE_MS;
  const lease = await redisLeases(deps.redis).acquire(`${deps.prefix}:reconcile-lease`, RECONCILE_LEASE_MS);
  if (!lease) return 0;
  let restored = 0;
  let pending: ScheduledJob[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    await deps.jobs.apply({ ...emptyEffects(), jobsScheduled: pending });
    restored += pending.length;
    pending = [];
    // Lost to expiry (a stalled batch): stop; the next holder starts over from a fresh read.
    if (!(await lease.extend())) throw new Error('reconcile lease lost');
    if (pauseMs > 0) await pause(pauseMs);
  };
  try {
    const at = deps.now().toISOString();
    for (const status of OPEN_STATUSES) {
      const cursor = deps.collections.cases.find({ status }).batchSize(batch);
      for await (const doc of cursor) {
        for (const job of expectedJobs(doc, at)) {
          const state = await deps.lookup.state(job);
          if (state === 'unknown') pending.push(job);
          if (state === 'failed') {
            await deps.lookup.revive(job);
            restored++;
          }
        }
        if (pending.length >= batch) await flush();
      }
    }
    await flush();
  } finally {
    await lease.release();
  }
  return restored;
}
