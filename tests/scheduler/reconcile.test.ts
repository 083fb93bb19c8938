import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, startService, type TestService } from '../support/harness.js';
import { TEST_UNIT_ID, createTestUnit } from '../support/auth.js';

const permitXml = readFileSync('tests/fixtures/scenarios/permit.bpmn', 'utf8');

describe('jobs Redis lost are put back from MongoDB', () => {
  let svc: TestService | null = null;
  afterAll(async () => svc?.destroy());

  it('restores a pending boundary timer after Redis forgot every job, and it fires', async () => {
    svc = await startService('reconcile', { background: false });
    await createTestUnit(svc);
    const json = <T>(res: { body: string }) => JSON.parse(res.body) as T;
    await svc.inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: permitXml });
    const c = json<{ id: string; tasks: { id: string }[] }>(
      await svc.inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: 'permit', data: { area: 10 } } }),
    );
    await svc.inject({ method: 'POST', url: `/v1/tasks/${c.tasks[0]!.id}/complete`, payload: { data: { complete: true } } });

    // Redis restarted without its append-only file: every queue and job is gone.
    const redis = new Redis(svc.env.REDIS_URL as string);
    const keys = await redis.keys(`${svc.env.REDIS_PREFIX}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    await redis.quit();

    await svc.container.startBackground(); // workers start and reconcile
    const done = await eventually(async () => {
      const cur = json<{ status: string }>(await svc!.inject({ method: 'GET', url: `/v1/cases/${c.id}` }));
      return cur.status === 'completed' ? cur : undefined;
    }, 90_000); // a loaded machine: the sweep and the timer take their time, the outcome is what counts
    expect(done.status).toBe('completed');
    const history = json<{ items: { type: string; activityId: string | null }[] }>(
      await svc.inject({ method: 'GET', url: `/v1/cases/${c.id}/history` }),
    ).items;
    expect(history.filter((h) => h.type === 'timer.fired' && h.activityId === 'approvalTimeout')).toHaveLength(1);
  }, 150_000);
});
