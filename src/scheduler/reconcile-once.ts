import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { JobEffects } from '../store/case-store.js';
import type { Collections } from '../store/mongo.js';
import { reconcileJobs, type JobLookup } from './reconcile.js';

export interface ReconcileOnceDeps {
  collections: Collections;
  jobs: JobEffects;
  /** A fresh lookup per run (its queue handles are the service's own). */
  lookup: () => JobLookup;
  redis: Redis;
  prefix: string;
  now: () => Date;
  log: FastifyBaseLogger;
}

/** Puts back jobs Redis lost (MongoDB knows every wait); one replica at a time. Never throws. */
export function createReconcileOnce(deps: ReconcileOnceDeps): () => Promise<void> {
  return async () => {
    try {
      const restored = await reconcileJobs({ collections: deps.collections, jobs: deps.jobs, lookup: deps.lookup(), redis: deps.redis, prefix: deps.prefix, now: deps.now });
      if (restored > 0) deps.log.warn({ restored }, 'scheduled jobs that Redis had lost');
    } catch (err) {
      deps.log.error({ err }, 'job reconciliation failed');
    }
  };
}
