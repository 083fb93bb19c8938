/**
 * After a Redis loss on a large database the reconciler reads only open cases (one indexed
 * equality per status) and re-creates their jobs in bounded batches. Cases live in the real
 * FerretDB; the job side records what it is asked, so the batches can be seen.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileJobs, type JobLookup } from '../../src/scheduler/reconcile.js';
import { connectDatabase, type Database } from '../../src/store/mongo.js';
import type { JobEffects } from '../../src/store/case-store.js';
import type { ScheduledJob } from '../../src/store/documents.js';
import { dropStores, isolatedEnv } from '../support/harness.js';

const env = isolatedEnv('reconcile_batches');
let db: Database;
let redis: Redis;

const caseDoc = (i: number, status: string) => ({
  _id: `case-${i}`,
  procedureKey: 'p',
  status,
  clock: null,
  waits: [{ kind: 'timer', executionId: `ex-${i}`, activityId: 't', since: '2026-01-01T00:00:00.000Z', expireAt: '2030-01-01T00:00:00.000Z', jobId: `timer-${i}`, timerType: 'timeDuration' }],
});

beforeAll(async () => {
  db = await connectDatabase(env.MONGODB_URL as string);
  redis = new Redis(env.REDIS_URL as string);
  const docs = [
    ...Array.from({ length: 230 }, (_, i) => caseDoc(i, 'active')),
    ...Array.from({ length: 20 }, (_, i) => caseDoc(1000 + i, 'incident')),
    ...Array.from({ length: 300 }, (_, i) => caseDoc(2000 + i, 'completed')),
  ];
  await db.collections.cases.insertMany(docs as never);
}, 60_000);

afterAll(async () => {
  await redis?.quit();
  await db?.close();
  await dropStores(env);
});

describe('reconciler batches', () => {
  it('re-creates the jobs of open cases only, at most `batch` per apply', async () => {
    const batches: ScheduledJob[][] = [];
    const jobs = { apply: async (e: { jobsScheduled: ScheduledJob[] }) => void batches.push(e.jobsScheduled) } as unknown as JobEffects;
    const lookup: JobLookup = { state: async () => 'unknown', revive: async () => undefined };
    const restored = await reconcileJobs({ collections: db.collections, jobs, lookup, redis, prefix: env.REDIS_PREFIX as string, now: () => new Date(), batch: 50, pauseMs: 0 });
    expect(restored).toBe(230); // incident cases wait for a retry, not for their timers
    expect(batches.every((b) => b.length > 0 && b.length <= 50)).toBe(true);
    expect(batches.length).toBe(5);
    const ids = new Set(batches.flat().map((j) => j.jobId));
    expect(ids.size).toBe(230);
    expect([...ids].some((id) => id === 'timer-2000')).toBe(false); // finished cases are not read for jobs
  }, 60_000);

  it('does nothing while another replica holds the lease', async () => {
    await redis.set(`${env.REDIS_PREFIX}:reconcile-lease`, '1', 'PX', 10_000);
    const lookup: JobLookup = { state: async () => 'unknown', revive: async () => undefined };
    const jobs = { apply: async () => undefined } as unknown as JobEffects;
    expect(await reconcileJobs({ collections: db.collections, jobs, lookup, redis, prefix: env.REDIS_PREFIX as string, now: () => new Date() })).toBe(0);
    await redis.del(`${env.REDIS_PREFIX}:reconcile-lease`);
  });
});
