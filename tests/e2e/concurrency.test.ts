import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, spawnService, type ChildService } from '../support/child-service.js';
import { TEST_UNIT, TEST_UNIT_ID } from '../support/auth.js';
import { dropStores, eventually, isolatedEnv } from '../support/harness.js';

interface CaseBody {
  id: string;
  status: string;
  tasks: { id: string; activityId: string }[];
}

describe('two service processes sharing MongoDB and Redis', () => {
  const env = { ...isolatedEnv('concurrency'), PROCESSES_DIR: 'tests/fixtures/crash', LOG_LEVEL: 'warn', LOCK_WAIT_MS: '10000' };
  let a: ChildService;
  let b: ChildService;
  beforeAll(async () => {
    a = await spawnService(env);
    b = await spawnService(env);
    expect((await call(a.url, 'POST', '/v1/units', TEST_UNIT)).status).toBe(201);
  }, 240_000); // two processes compiling and starting on a busy 2-core machine
  afterAll(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
    await dropStores(env);
  });

  it('N parallel completions of one task, split over both processes: exactly one wins', async () => {
    const started = await call<CaseBody>(a.url, 'POST', '/v1/cases', { unitId: TEST_UNIT_ID, procedureKey: 'chain', data: {} });
    const taskId = started.body.tasks[0]!.id;
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        call<{ error?: { code: string } }>(i % 2 ? a.url : b.url, 'POST', `/v1/tasks/${taskId}/complete`, { data: { by: i } }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(15);
    expect(new Set(results.filter((r) => r.status === 409).map((r) => r.body.error?.code))).toEqual(new Set(['TASK_NOT_OPEN']));
    const history = await call<{ items: { type: string }[] }>(a.url, 'GET', `/v1/cases/${started.body.id}/history`);
    expect(history.body.items.filter((h) => h.type === 'task.completed')).toHaveLength(1);
  });

  it('completes a batch of cases driven through both processes with no loss or duplicate', async () => {
    const total = 30;
    const started = await Promise.all(
      Array.from({ length: total }, (_, i) => call<CaseBody>(i % 2 ? a.url : b.url, 'POST', '/v1/cases', { unitId: TEST_UNIT_ID, procedureKey: 'chain', data: { echo: i } })),
    );
    const ids = started.map((r) => r.body.id);
    expect(new Set(ids).size).toBe(total);
    await eventually(
      async () => {
        const cases = await Promise.all(ids.map((id, i) => call<CaseBody>(i % 2 ? b.url : a.url, 'GET', `/v1/cases/${id}`)));
        await Promise.all(
          cases.flatMap((c, i) =>
            c.body.tasks.map((t) => call(i % 3 ? a.url : b.url, 'POST', `/v1/tasks/${t.id}/complete`, { data: { step: t.activityId } })),
          ),
        );
        return cases.every((c) => c.body.status === 'completed') ? true : undefined;
      },
      60_000,
      300,
    );
    const list = await call<{ total: number }>(a.url, 'GET', '/v1/cases?procedureKey=chain&status=completed&limit=1&total=true');
    // The first test's case waits at its second task, so only this batch is completed.
    expect(list.body.total).toBe(total);
    for (const id of ids) {
      const history = (await call<{ items: { type: string; activityId: string | null }[] }>(b.url, 'GET', `/v1/cases/${id}/history`)).body.items;
      const completed = history.filter((h) => h.type === 'step.completed').map((h) => h.activityId);
      expect(completed.sort()).toEqual(['call', 'end', 'first', 'pause', 'second', 'start']);
      expect(history.filter((h) => h.type === 'timer.fired')).toHaveLength(1);
    }
  }, 240_000);
});
