import type { Redis } from 'ioredis';
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
    for (const w of doc.waits) if (w.kind === 'timer' || w.kind === 'service') jobs.push(jobFor(doc._id, w, at));
  }
  jobs.push(...deadlineJobs(null, doc).scheduled);
  return jobs;
}

/**
 * MongoDB is the truth about what a case waits for; Redis only schedules it. If Redis lost
 * jobs (restarted without its append-only file, flushed), this puts back what is missing.
 * One replica at a time, under a Redis lease.
 */
export async function reconcileJobs(deps: {
  collections: Collections;
  jobs: JobEffects;
  lookup: JobLookup;
  redis: Redis;
  prefix: string;
  now: () => Date;
}): Promise<number> {
  const lease = `${deps.prefix}:reconcile-lease`;
  if ((await deps.redis.set(lease, '1', 'PX', 120_000, 'NX')) !== 'OK') return 0;
  let restored = 0;
  try {
    const cursor = deps.collections.cases.find({ status: { $in: ['active', 'incident'] } });
    const at = deps.now().toISOString();
    for await (const doc of cursor) {
      const missing: ScheduledJob[] = [];
      for (const job of expectedJobs(doc, at)) {
        const state = await deps.lookup.state(job);
        if (state === 'unknown') missing.push(job);
        if (state === 'failed') {
          await deps.lookup.revive(job);
          restored++;
        }
      }
      if (missing.length === 0) continue;
      await deps.jobs.apply({ ...emptyEffects(), jobsScheduled: missing });
      restored += missing.length;
    }
  } finally {
    await deps.redis.del(lease);
  }
  return restored;
}
