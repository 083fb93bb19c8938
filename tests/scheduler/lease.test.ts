/** The one Redis lease helper and the maintenance schedulers, on the real Redis. */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMaintenanceQueue, startMaintenance } from '../../src/scheduler/maintenance.js';
import { redisLeases } from '../../src/store/redis-lease.js';
import { eventually, isolatedEnv } from '../support/harness.js';

const env = isolatedEnv('leases');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('redis leases', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(env.REDIS_URL as string);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('one holder at a time; a holder whose lease lapsed can neither extend nor release the next one', async () => {
    const leases = redisLeases(redis);
    const key = `${env.REDIS_PREFIX}:lease:${randomUUID()}`;
    const a = (await leases.acquire(key, 150))!;
    expect(a).toBeTruthy();
    expect(await leases.acquire(key, 150)).toBeNull();
    await eventually(async () => ((await redis.exists(key)) === 0 ? true : undefined), 10_000);
    const b = (await leases.acquire(key, 60_000))!;
    expect(b).toBeTruthy();
    expect(await a.extend()).toBe(false);
    await a.release();
    expect(await redis.get(key)).toBe(b.token);
    expect(await b.extend()).toBe(true);
    await b.release();
    expect(await redis.exists(key)).toBe(0);
  });

  it('keepAlive holds a lease past its TTL; withLease does not run work while another holds it', async () => {
    const leases = redisLeases(redis);
    const key = `${env.REDIS_PREFIX}:lease:${randomUUID()}`;
    const held = await leases.withLease(key, 300, async (lease) => {
      await sleep(1_000); // more than three TTLs
      expect(await redis.get(key)).toBe(lease.token);
      return (await leases.withLease(key, 300, () => Promise.resolve('ran'))).ran;
    });
    expect(held).toEqual({ ran: true, value: false });
    expect(await redis.exists(key)).toBe(0);
    expect(await leases.acquireWithin(key, 60_000, 0)).toBeTruthy();
    expect(await leases.acquireWithin(key, 60_000, 100)).toBeNull();
  });
});

describe('maintenance schedulers', () => {
  const connection = { url: env.REDIS_URL as string };
  const prefix = `${env.REDIS_PREFIX}m`;
  const log = { warn: () => undefined } as unknown as FastifyBaseLogger; // only warnings are logged

  it('two replicas: each run goes to one of them; a lost scheduler is declared again; the survivor carries on', async () => {
    const runs: string[] = [];
    const queueA = createMaintenanceQueue(connection, prefix);
    const queueB = createMaintenanceQueue(connection, prefix);
    const task = (replica: string) => ({ name: 'tick', everyMs: 200, run: () => Promise.resolve(void runs.push(replica)) });
    const a = await startMaintenance({ queue: queueA, connection, prefix, log, tasks: [task('a')], redeclareMs: 300 });
    const b = await startMaintenance({ queue: queueB, connection, prefix, log, tasks: [task('b')], redeclareMs: 300 });
    try {
      await eventually(async () => (runs.length >= 5 ? true : undefined), 60_000);
      const started = Date.now();
      const before = runs.length;
      await sleep(2_000);
      // Both replicas declared the same scheduler: runs follow its period, they do not double.
      expect(runs.length - before).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 200) + 2);

      await queueA.removeJobScheduler('tick'); // what a Redis that lost its data looks like to one scheduler
      await eventually(async () => ((await queueA.getJobScheduler('tick')) ? true : undefined), 60_000);

      await a.close();
      const afterClose = runs.length;
      await eventually(async () => (runs.slice(afterClose).filter((r) => r === 'b').length >= 3 ? true : undefined), 60_000);
    } finally {
      await a.close();
      await b.close();
      await queueA.obliterate({ force: true });
      await queueA.close();
      await queueB.close();
    }
  });
});
