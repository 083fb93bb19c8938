import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// Compare-and-act: only the holder's token may extend or release, so a holder whose lease
// lapsed (a long GC pause) cannot cut short the lease of whoever took over.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** A held Redis lease: extend it while working, release it when done. */
export interface Lease {
  readonly key: string;
  readonly token: string;
  /** Pushes the expiry `ttlMs` ahead; false when the lease was lost to expiry. */
  extend(): Promise<boolean>;
  /** Extends every third of the TTL until the returned stop function is called. */
  keepAlive(): () => void;
  release(): Promise<void>;
}

/** The one lease helper of the service: case locks, the job reconciler, any single-holder work. */
export function redisLeases(redis: Redis) {
  function held(key: string, token: string, ttlMs: number): Lease {
    const extend = async () => (await redis.eval(EXTEND, 1, key, token, ttlMs)) === 1;
    return {
      key,
      token,
      extend,
      keepAlive() {
        const timer = setInterval(() => void extend().catch(() => undefined), Math.max(250, Math.floor(ttlMs / 3)));
        timer.unref();
        return () => clearInterval(timer);
      },
      async release() {
        await redis.eval(RELEASE, 1, key, token);
      },
    };
  }

  return {
    /** Takes the lease if nobody holds it; null otherwise. */
    async acquire(key: string, ttlMs: number): Promise<Lease | null> {
      const token = randomUUID();
      return (await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK' ? held(key, token, ttlMs) : null;
    },

    /** Retries with jittered backoff (5 ms doubling to 100 ms) until `waitMs` has passed. */
    async acquireWithin(key: string, ttlMs: number, waitMs: number): Promise<Lease | null> {
      const deadline = Date.now() + waitMs;
      let pause = 5;
      for (;;) {
        const lease = await this.acquire(key, ttlMs);
        if (lease) return lease;
        if (Date.now() >= deadline) return null;
        await new Promise((resolve) => setTimeout(resolve, pause + Math.random() * pause));
        pause = Math.min(pause * 2, 100);
      }
    },

    /** Runs `work` under the lease, kept alive meanwhile; `ran: false` (work not run) when it is held past `waitMs`. */
    async withLease<T>(key: string, ttlMs: number, work: (lease: Lease) => Promise<T>, waitMs = 0): Promise<{ ran: true; value: T } | { ran: false }> {
      const lease = await this.acquireWithin(key, ttlMs, waitMs);
      if (!lease) return { ran: false };
      const stop = lease.keepAlive();
      try {
        return { ran: true, value: await work(lease) };
      } finally {
        stop();
        await lease.release();
      }
    },
  };
}
export type RedisLeases = ReturnType<typeof redisLeases>;

/**
 * One writer at a time across every replica, for writes the database cannot run concurrently
 * (src/store/server-kind.ts). Waiters of one process queue locally first, so a replica holds
 * at most one place in the Redis queue; a holder that dies frees it when the lease lapses.
 */
export function leaseSerializer(redis: Redis, key: string, { ttlMs = 5_000, waitMs = 30_000 } = {}) {
  const leases = redisLeases(redis);
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(async () => {
      const done = await leases.withLease(key, ttlMs, work, waitMs);
      if (!done.ran) throw new Error(`'${key}' was held by another replica for ${waitMs} ms`);
      return done.value;
    });
    tail = run.catch(() => undefined);
    return run;
  };
}
