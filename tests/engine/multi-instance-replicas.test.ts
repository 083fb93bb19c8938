import { readFileSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, isolatedEnv, startService, type TestService } from '../support/harness.js';
import { TEST_UNIT_ID, createTestUnit } from '../support/auth.js';

/*
 * Two replicas on the same FerretDB and Redis: the instances of a multi-instance step are
 * completed at the same moment through both, then a multi-instance plugin step runs on their
 * workers. Every instance counts once, outputs land at their places, each plugin call once.
 */

interface Task {
  id: string;
  activityId: string;
  candidateGroups: string[];
}
interface CaseView {
  id: string;
  status: string;
  tasks: Task[];
  data: Record<string, unknown>;
}

const DEPARTMENTS = ['so-tu-phap', 'so-xay-dung', 'so-tai-chinh', 'so-cong-thuong', 'so-y-te'];
const xml = readFileSync('tests/fixtures/multi-instance-crash/consult.bpmn', 'utf8');

describe('multi-instance on two replicas', () => {
  const env = isolatedEnv('mi_replicas');
  let a: TestService;
  let b: TestService;
  const json = <T>(res: { body: string }) => JSON.parse(res.body) as T;

  beforeAll(async () => {
    a = await startService('mi_replicas', { env });
    b = await startService('mi_replicas', { env });
    await createTestUnit(a);
    const res = await a.inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: xml });
    expect(res.statusCode, res.body).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.destroy();
  });

  it('instances completed through both replicas at once each count once, in list order', async () => {
    const started = await Promise.all(
      Array.from({ length: 4 }, async () => json<CaseView>(await a.inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: 'consult', data: { departments: DEPARTMENTS } } }))),
    );
    const completeVia = async (svc: TestService, task: Task) => {
      const opts: InjectOptions = { method: 'POST', url: `/v1/tasks/${task.id}/complete`, payload: { data: { opinion: `ý kiến ${task.candidateGroups[0]}` } } };
      // A case busy past the lock wait answers 409 CASE_BUSY: the client tries again.
      return eventually(async () => {
        const res = await svc.inject(opts);
        return res.statusCode === 409 && json<{ error: { code: string } }>(res).error.code === 'CASE_BUSY' ? undefined : res.statusCode;
      }, 60_000);
    };
    const statuses = await Promise.all(started.flatMap((c) => c.tasks.map((t, i) => completeVia(i % 2 === 0 ? a : b, t))));
    expect(statuses.every((s) => s === 200), JSON.stringify(statuses)).toBe(true);

    for (const c of started) {
      const done = await eventually(async () => {
        const now = json<CaseView>(await b.inject({ method: 'GET', url: `/v1/cases/${c.id}` }));
        return now.status === 'completed' ? now : undefined;
      }, 90_000);
      expect(done.data.opinions).toEqual(DEPARTMENTS.map((d) => `ý kiến ${d}`));
      expect(done.data.notify_outputs).toHaveLength(DEPARTMENTS.length);
      const history = json<{ items: { type: string; activityId: string | null }[] }>(await a.inject({ method: 'GET', url: `/v1/cases/${c.id}/history` })).items;
      expect(history.filter((h) => h.type === 'task.completed' && h.activityId === 'opinion')).toHaveLength(DEPARTMENTS.length);
      expect(history.filter((h) => h.type === 'service.completed' && h.activityId === 'notify')).toHaveLength(DEPARTMENTS.length);
    }
  }, 240_000);
});
