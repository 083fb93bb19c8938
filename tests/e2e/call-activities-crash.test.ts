import { afterAll, describe, expect, it } from 'vitest';
import { call, spawnService, type ChildService } from '../support/child-service.js';
import { TEST_UNIT, TEST_UNIT_ID } from '../support/auth.js';
import { dropStores, eventually, isolatedEnv } from '../support/harness.js';

/**
 * SIGKILL right after children end: the parent of each must resume exactly once after the
 * restart, with two replicas on one database and one Redis picking up the work.
 */

interface CaseBody {
  id: string;
  status: string;
  data: Record<string, unknown>;
  tasks: { id: string; activityId: string }[];
  calledCases: { caseId: string; status: string }[];
  waitingFor: { kind: string; childCaseId?: string }[];
}
interface History {
  items: { type: string; activityId: string | null }[];
}

describe('crash: a child case ends and the service is SIGKILLed', () => {
  const env = { ...isolatedEnv('callcrash'), PROCESSES_DIR: 'tests/fixtures/call-crash', LOG_LEVEL: 'warn' };
  const services: ChildService[] = [];
  afterAll(async () => {
    for (const s of services) await s.kill('SIGKILL');
    await dropStores(env);
  });

  it('each parent resumes exactly once after the restart', async () => {
    const first = await spawnService(env);
    services.push(first);
    expect((await call(first.url, 'POST', '/v1/units', TEST_UNIT)).status).toBe(201);
    const started = await Promise.all(
      Array.from({ length: 10 }, (_, i) => call<CaseBody>(first.url, 'POST', '/v1/cases', { unitId: TEST_UNIT_ID, procedureKey: 'crash-parent', data: { n: i } })),
    );
    expect(started.every((r) => r.status === 201)).toBe(true);
    const parents = started.map((r) => r.body.id);
    const childOf = new Map(started.map((r) => [r.body.id, r.body.waitingFor.find((w) => w.kind === 'call')!.childCaseId!]));

    // Every child started, with its task open.
    const childTasks = await eventually(
      async () => {
        const tasks: string[] = [];
        for (const id of parents) {
          const child = await call<CaseBody>(first.url, 'GET', `/v1/cases/${childOf.get(id)!}`);
          if (child.status !== 200 || child.body.tasks.length !== 1) return undefined;
          tasks.push(child.body.tasks[0]!.id);
        }
        return tasks;
      },
      120_000,
      250,
    );

    // End every child at once; kill the process as soon as the first child has ended.
    const url = first.url;
    const inFlight = childTasks.map((id) => call(url, 'POST', `/v1/tasks/${id}/complete`, { data: { verdict: 'ok' } }));
    await Promise.race(inFlight);
    await first.kill('SIGKILL');
    await Promise.allSettled(inFlight);

    // Two replicas come back on the same database and Redis.
    services.push(await spawnService(env), await spawnService(env));
    const [a, b] = [services[1]!.url, services[2]!.url];
    const resumed = await eventually(
      async () => {
        const cases = await Promise.all(parents.map((id, i) => call<CaseBody>(i % 2 ? a : b, 'GET', `/v1/cases/${id}`)));
        for (const [i, id] of parents.entries()) {
          // A child whose completion the kill cut off is completed again.
          const child = await call<CaseBody>(i % 2 ? b : a, 'GET', `/v1/cases/${childOf.get(id)!}`);
          for (const task of child.body.tasks) await call(a, 'POST', `/v1/tasks/${task.id}/complete`, { data: { verdict: 'ok' } });
        }
        return cases.every((c) => c.body.tasks.some((t) => t.activityId === 'After')) ? cases : undefined;
      },
      240_000,
      500,
    );

    for (const parent of resumed) {
      expect(parent.body.data.verdict).toBe('ok');
      expect(parent.body.calledCases).toEqual([expect.objectContaining({ caseId: childOf.get(parent.body.id), status: 'completed' })]);
      const items = (await call<History>(a, 'GET', `/v1/cases/${parent.body.id}/history`)).body.items;
      expect(items.filter((h) => h.type === 'call.started')).toHaveLength(1);
      expect(items.filter((h) => h.type === 'call.completed')).toHaveLength(1);
      const childItems = (await call<History>(b, 'GET', `/v1/cases/${childOf.get(parent.body.id)!}/history`)).body.items;
      expect(childItems.filter((h) => h.type === 'case.completed')).toHaveLength(1);
      expect(childItems.filter((h) => h.type === 'case.started')).toHaveLength(1);
      const done = await call<CaseBody>(a, 'POST', `/v1/tasks/${parent.body.tasks.find((t) => t.activityId === 'After')!.id}/complete`, { data: {} });
      expect(done.body.status).toBe('completed');
    }
  }, 480_000);

  it('children that ended where no worker ran hand back once, after the kill, on the restarted replicas', async () => {
    const envApi = { ...isolatedEnv('callcrash2'), PROCESSES_DIR: 'tests/fixtures/call-crash', LOG_LEVEL: 'warn' };
    try {
      const all = await spawnService(envApi);
      services.push(all);
      expect((await call(all.url, 'POST', '/v1/units', TEST_UNIT)).status).toBe(201);
      const started = await Promise.all(
        Array.from({ length: 4 }, (_, i) => call<CaseBody>(all.url, 'POST', '/v1/cases', { unitId: TEST_UNIT_ID, procedureKey: 'crash-parent', data: { n: i } })),
      );
      const parents = started.map((r) => r.body.id);
      const childOf = new Map(started.map((r) => [r.body.id, r.body.waitingFor.find((w) => w.kind === 'call')!.childCaseId!]));
      const tasks = await eventually(
        async () => {
          const found: string[] = [];
          for (const id of parents) {
            const child = await call<CaseBody>(all.url, 'GET', `/v1/cases/${childOf.get(id)!}`);
            if (child.status !== 200 || child.body.tasks.length !== 1) return undefined;
            found.push(child.body.tasks[0]!.id);
          }
          return found;
        },
        120_000,
        250,
      );
      await all.kill('SIGKILL');

      // An API-only replica ends every child: the hand-back jobs wait in Redis, nobody runs them.
      const api = await spawnService({ ...envApi, ROLE: 'api' });
      services.push(api);
      for (const id of tasks) expect((await call(api.url, 'POST', `/v1/tasks/${id}/complete`, { data: { verdict: 'ok' } })).status).toBe(200);
      for (const id of parents) {
        const parent = await call<CaseBody>(api.url, 'GET', `/v1/cases/${id}`);
        expect(parent.body.waitingFor.map((w) => w.kind)).toEqual(['call']);
        expect((await call<CaseBody>(api.url, 'GET', `/v1/cases/${childOf.get(id)!}`)).body.status).toBe('completed');
      }
      await api.kill('SIGKILL');

      const [a, b] = [await spawnService(envApi), await spawnService(envApi)];
      services.push(a, b);
      const resumed = await eventually(
        async () => {
          const cases = await Promise.all(parents.map((id, i) => call<CaseBody>(i % 2 ? a.url : b.url, 'GET', `/v1/cases/${id}`)));
          return cases.every((c) => c.body.tasks.some((t) => t.activityId === 'After')) ? cases : undefined;
        },
        240_000,
        500,
      );
      for (const parent of resumed) {
        expect(parent.body.data.verdict).toBe('ok');
        const items = (await call<History>(a.url, 'GET', `/v1/cases/${parent.body.id}/history`)).body.items;
        expect(items.filter((h) => h.type === 'call.completed')).toHaveLength(1);
        expect(items.filter((h) => h.type === 'call.started')).toHaveLength(1);
      }
    } finally {
      await dropStores(envApi);
    }
  }, 480_000);
});
