/**
 * Issue 7 §5: protection under load. Rate limits are counted in Redis, so two replicas of the
 * same deployment share one budget per key; shedding answers 503 + Retry-After in the one
 * error shape while health checks stay answered; helmet's headers are on every response.
 * Nothing here depends on timing: the budget is a count, and shedding is forced by a heap
 * threshold every process exceeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, isolatedEnv, startService, type TestService } from '../support/harness.js';
import { errorShapeProblem } from './error-shape.js';

const BUDGET = 7;

describe('per-key rate limits shared by replicas', () => {
  let a: TestService;
  let b: TestService;
  let env: Record<string, string>;

  beforeAll(async () => {
    env = { ...isolatedEnv('rate_limit'), RATE_LIMIT_MAX: String(BUDGET), RATE_LIMIT_WINDOW_MS: '3600000' };
    a = await startService('rate_limit_a', { env, background: false });
    b = await startService('rate_limit_b', { env, background: false });
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await a?.destroy();
  });

  it('counts one key across both replicas, answers 429 RATE_LIMITED in the one shape, exempts health checks', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < BUDGET; i++) {
      const replica = i % 2 === 0 ? a : b;
      statuses.push((await replica.inject({ method: 'GET', url: '/v1/procedures' })).statusCode);
    }
    expect(statuses).toEqual(Array<number>(BUDGET).fill(200));

    // The budget is spent on the two replicas together: either one refuses the next request.
    for (const replica of [a, b]) {
      const refused = await replica.inject({ method: 'GET', url: '/v1/procedures' });
      expect(refused.statusCode).toBe(429);
      expect(errorShapeProblem(refused.statusCode, refused.headers['content-type'] as string, refused.body)).toBeNull();
      expect(refused.json().error.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }

    // Health checks are never counted nor refused: an orchestrator must see the replica.
    expect((await a.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);

    // Another key has a budget of its own.
    const other = await a.inject({ method: 'GET', url: '/v1/procedures', headers: bearer('not-a-key-but-its-own-bucket') });
    expect(other.statusCode).toBe(401);
  });
});

describe('load shedding and security headers', () => {
  let svc: TestService;

  beforeAll(async () => {
    // Every process uses more than one byte of heap: the service is "under pressure" from its
    // first sample on, which makes shedding observable without loading the machine.
    const env = { ...isolatedEnv('shedding'), PRESSURE_MAX_HEAP_USED_BYTES: '1', PRESSURE_RETRY_AFTER_S: '7' };
    svc = await startService('shedding', { env, background: false });
  }, 120_000);

  afterAll(async () => {
    await svc?.destroy();
  });

  it('sheds API requests with 503 OVERLOADED and Retry-After, keeps health checks answered', async () => {
    // under-pressure samples the heap on an interval: wait for the first sample, by state.
    const deadline = Date.now() + 60_000;
    let res = await svc.inject({ method: 'GET', url: '/v1/procedures' });
    while (res.statusCode !== 503 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      res = await svc.inject({ method: 'GET', url: '/v1/procedures' });
    }
    expect(res.statusCode).toBe(503);
    expect(errorShapeProblem(res.statusCode, res.headers['content-type'] as string, res.body)).toBeNull();
    expect(res.json().error.code).toBe('OVERLOADED');
    expect(res.headers['retry-after']).toBe('7');
    expect((await svc.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });

  it('sends the security headers on every response, errors included', async () => {
    for (const url of ['/health/live', '/v1/no-such-route']) {
      const res = await svc.inject({ method: 'GET', url });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['strict-transport-security']).toContain('max-age=');
      expect(String(res.headers['content-security-policy'])).toContain("default-src 'self'");
    }
  });
});
