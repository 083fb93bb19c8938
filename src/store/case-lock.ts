import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { conflict } from '../domain/errors.js';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface CaseLockOptions {
  prefix: string;
  /** Lease length: longer than any step, short enough that a dead holder frees the case soon. */
  leaseMs: number;
  /** How long a request waits its turn before giving up with 409 CASE_BUSY. */
  waitMs: number;
}

/**
 * Serialises work on one case across processes. The lease is an optimisation for fairness
 * and latency; correctness rests on the commit's unique key if a lease ever lapses.
 */
export function createCaseLock(redis: Redis, options: CaseLockOptions) {
  const key = (caseId: string) => `${options.prefix}:lock:case:${caseId}`;

  async function tryAcquire(caseId: string, token: string): Promise<boolean> {
    return (await redis.set(key(caseId), token, 'PX', options.leaseMs, 'NX')) === 'OK';
  }

  return {
    async withLock<T>(caseId: string, work: () => Promise<T>, waitMs = options.waitMs): Promise<T> {
      const token = randomUUID();
      const deadline = Date.now() + waitMs;
      let pause = 5;
      while (!(await tryAcquire(caseId, token))) {
        if (Date.now() >= deadline) {
          throw conflict('CASE_BUSY', `case '${caseId}' is being changed by another request; retry`, { caseId });
        }
        await new Promise((resolve) => setTimeout(resolve, pause + Math.random() * pause));
        pause = Math.min(pause * 2, 100);
      }
      // A long step (a case firing many timers at once) keeps its lease, so nobody else starts
      // the same work in parallel only to lose at the commit; a dead holder still lapses.
      const renewal = setInterval(() => {
        redis.eval(RENEW, 1, key(caseId), token, options.leaseMs).catch(() => undefined);
      }, Math.max(250, Math.floor(options.leaseMs / 3)));
      renewal.unref();
      try {
        return await work();
      } finally {
        clearInterval(renewal);
        await redis.eval(RELEASE, 1, key(caseId), token);
      }
    },
  };
}

export type CaseLock = ReturnType<typeof createCaseLock>;
