import { afterAll, describe, expect, it } from 'vitest';
import { call, spawnService, type ChildService } from '../support/child-service.js';
import { TEST_UNIT, TEST_UNIT_ID } from '../support/auth.js';
import { dropStores, eventually, isolatedEnv } from '../support/harness.js';

interface CaseBody {
  id: string;
  status: string;
  tasks: { id: string; activityId: string }[];
  waitingFor: { kind: string }[];
}
interface History {
  items: { type: string; activityId: string | null }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('crash: the service is SIGKILLed in the middle of work', () => {
  const env = { ...isolatedEnv('crash'), PROCESSES_DIR: 'tests/fixtures/crash', LOG_LEVEL: 'warn' };
  let svc: ChildService | null = null;
  afterAll(async () => {
    await svc?.kill('SIGKILL');
    await dropStores(env);
  });

  it('restarts with every case intact; timers that fell due during the outage fire after', async () => {
    svc = await spawnService(env);
    expect((await call(svc.url, 'POST', '/v1/units', TEST_UNIT)).status).toBe(201);
    const started = await Promise.all(
      Array.from({ length: 24 }, (_, i) => call<CaseBody>(svc!.url, 'POST', '/v1/cases', { unitId: TEST_UNIT_ID, procedureKey: 'chain', data: { echo: i } })),
    );
    expect(started.every((r) => r.status === 201)).toBe(true);
    const ids = started.map((r) => r.body.id);

    // Complete the first tasks concurrently and kill the process while that is under way.
    const url = svc.url;
    const inFlight = Promise.allSettled(
      started.map((r) => call(url, 'POST', `/v1/tasks/${r.body.tasks[0]!.id}/complete`, { data: { firstDone: true } })),
    );
    await sleep(120);
    await svc.kill('SIGKILL');
    await inFlight;
    await sleep(3_500); // longer than the 3 s timer: deadlines pass while nothing runs

    svc = await spawnService(env);
    const base = svc.url;
    const finished = await eventually(
      async () => {
        const cases = await Promise.all(ids.map((id) => call<CaseBody>(base, 'GET', `/v1/cases/${id}`)));
        for (const c of cases) {
          expect(c.status).toBe(200);
          for (const task of c.body.tasks) await call(base, 'POST', `/v1/tasks/${task.id}/complete`, { data: {} });
        }
        return cases.every((c) => c.body.status === 'completed') ? cases : undefined;
      },
      // Generous: two start-ups and 24 cases on a loaded 2-core machine; it polls for state.
      180_000,
      250,
    );
    expect(finished).toHaveLength(ids.length);

    for (const id of ids) {
      const history = (await call<History>(base, 'GET', `/v1/cases/${id}/history`)).body.items;
      const count = (type: string, activityId?: string) =>
        history.filter((h) => h.type === type && (activityId === undefined || h.activityId === activityId)).length;
      expect(count('case.started')).toBe(1);
      expect(count('task.completed', 'first')).toBe(1);
      expect(count('service.completed', 'call')).toBe(1);
      expect(count('timer.fired', 'pause')).toBe(1);
      expect(count('task.completed', 'second')).toBe(1);
      expect(count('case.completed')).toBe(1);
    }
  }, 420_000);
});
