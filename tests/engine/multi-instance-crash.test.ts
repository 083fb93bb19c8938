import { afterAll, describe, expect, it } from 'vitest';
import { call, spawnService, type ChildService } from '../support/child-service.js';
import { TEST_UNIT, TEST_UNIT_ID } from '../support/auth.js';
import { dropStores, eventually, isolatedEnv } from '../support/harness.js';

/*
 * A multi-instance step survives SIGKILL: the service process is killed while instances of
 * "Cho ý kiến" are being completed, restarted, and every case finishes with each instance
 * completed exactly once, its opinion at its department's place, and each plugin instance
 * called once (tests/fixtures/multi-instance-crash/consult.bpmn).
 */

interface Task {
  id: string;
  activityId: string;
  candidateGroups: string[];
}
interface CaseBody {
  id: string;
  status: string;
  tasks: Task[];
  data: Record<string, unknown>;
}
interface History {
  items: { type: string; activityId: string | null }[];
}

const DEPARTMENTS = ['so-tu-phap', 'so-xay-dung', 'so-tai-chinh', 'so-cong-thuong'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('crash: SIGKILL while instances of a multi-instance step complete', () => {
  const env = { ...isolatedEnv('mi_crash'), PROCESSES_DIR: 'tests/fixtures/multi-instance-crash', LOG_LEVEL: 'warn' };
  let svc: ChildService | null = null;
  afterAll(async () => {
    await svc?.kill('SIGKILL');
    await dropStores(env);
  });

  it('restarts with nothing lost or duplicated; outputs in list order', async () => {
    svc = await spawnService(env);
    expect((await call(svc.url, 'POST', '/v1/units', TEST_UNIT)).status).toBe(201);
    const started = await Promise.all(
      Array.from({ length: 8 }, () => call<CaseBody>(svc!.url, 'POST', '/v1/cases', { unitId: TEST_UNIT_ID, procedureKey: 'consult', data: { departments: DEPARTMENTS } })),
    );
    expect(started.every((r) => r.status === 201), JSON.stringify(started[0]?.body)).toBe(true);
    for (const r of started) expect(r.body.tasks).toHaveLength(DEPARTMENTS.length);
    const ids = started.map((r) => r.body.id);
    const opinionOf = (t: Task) => ({ opinion: `ý kiến ${t.candidateGroups[0] ?? '?'}` });

    // Two instances of every case completed at once, in reverse list order; killed meanwhile.
    const url = svc.url;
    const inFlight = Promise.allSettled(
      started.flatMap((r) => r.body.tasks.slice(2).reverse().map((t) => call(url, 'POST', `/v1/tasks/${t.id}/complete`, { data: opinionOf(t) }))),
    );
    await sleep(150);
    await svc.kill('SIGKILL');
    await inFlight;

    svc = await spawnService(env);
    const base = svc.url;
    const finished = await eventually(
      async () => {
        const cases = await Promise.all(ids.map((id) => call<CaseBody>(base, 'GET', `/v1/cases/${id}`)));
        for (const c of cases) {
          expect(c.status).toBe(200);
          for (const t of c.body.tasks) await call(base, 'POST', `/v1/tasks/${t.id}/complete`, { data: opinionOf(t) });
        }
        return cases.every((c) => c.body.status === 'completed') ? cases : undefined;
      },
      180_000,
      250,
    );
    for (const c of finished) {
      expect(c.body.data.opinions).toEqual(DEPARTMENTS.map((d) => `ý kiến ${d}`));
      expect(c.body.data.$loops).toEqual({});
      const history = (await call<History>(base, 'GET', `/v1/cases/${c.body.id}/history`)).body.items;
      const count = (type: string, activityId: string) => history.filter((h) => h.type === type && h.activityId === activityId).length;
      expect(count('task.completed', 'opinion')).toBe(DEPARTMENTS.length);
      expect(count('service.completed', 'notify')).toBe(DEPARTMENTS.length);
    }
  }, 420_000);
});
