import type { Redis } from 'ioredis';
import { conflict } from '../domain/errors.js';
import { redisLeases } from './redis-lease.js';

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
  const leases = redisLeases(redis);
  const key = (caseId: string) => `${options.prefix}:lock:case:${caseId}`;

  return {
    async withLock<T>(caseId: string, work: () => Promise<T>, waitMs = options.waitMs): Promise<T> {
      // Kept alive while the work runs: a long step (a case firing many timers at once) keeps
      // its lease, so nobody else starts it in parallel only to lose at the commit; a dead holder still lapses.
      const done = await leases.withLease(key(caseId), options.leaseMs, work, waitMs);
      if (!done.ran) throw conflict('CASE_BUSY', `case '${caseId}' is being changed by another request; retry`, { caseId });
      return done.value;
    },
  };
}

export type CaseLock = ReturnType<typeof createCaseLock>;
