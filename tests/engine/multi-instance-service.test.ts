import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, isolatedEnv, startService, type TestService } from '../support/harness.js';
import { TEST_UNIT_ID, createTestUnit } from '../support/auth.js';
import { opinionDiagram, type LoopOptions, type Mode } from './multi-instance-diagrams.js';

/*
 * Multi-instance activities end to end over HTTP, with the case stored in FerretDB between
 * steps: Camunda 7 and Camunda 8 exports, parallel and sequential, collection and cardinality,
 * completion conditions, plugin tasks and sub-processes, the instance limit.
 */

interface Task {
  id: string;
  activityId: string;
  candidateGroups: string[];
  status?: string;
}
interface CaseView {
  id: string;
  status: string;
  tasks: Task[];
  data: Record<string, unknown>;
}

const DEPARTMENTS = ['so-tu-phap', 'so-xay-dung', 'so-tai-chinh'];

describe('multi-instance activities (Camunda 7 and 8 exports)', () => {
  let svc: TestService;
  const inject = (opts: InjectOptions) => svc.inject(opts);
  const json = <T>(res: { body: string }) => JSON.parse(res.body) as T;
  const published = new Set<string>();

  beforeAll(async () => {
    svc = await startService('multi_instance', { env: { ...isolatedEnv('multi_instance'), LIMIT_MULTI_INSTANCES: '5' } });
    await createTestUnit(svc);
  });
  afterAll(async () => svc?.destroy());

  const publish = async (mode: Mode, key: string, options: LoopOptions = {}) => {
    if (published.has(key)) return;
    const res = await inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: opinionDiagram(mode, key, options) });
    expect(res.statusCode, res.body).toBe(201);
    published.add(key);
  };
  const start = async (key: string, data: Record<string, unknown>) => {
    const res = await inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: key, data } });
    expect(res.statusCode, res.body).toBe(201);
    return json<CaseView>(res);
  };
  const read = async (id: string) => json<CaseView>(await inject({ method: 'GET', url: `/v1/cases/${id}` }));
  const opinions = (c: CaseView) => c.tasks.filter((t) => t.activityId === 'opinion');
  const complete = async (task: Task, data: Record<string, unknown>) => {
    const res = await inject({ method: 'POST', url: `/v1/tasks/${task.id}/complete`, payload: { data, actor: 'chuyen-vien-1' } });
    expect(res.statusCode, res.body).toBe(200);
    return json<CaseView>(res);
  };
  const groupOf = (t: Task) => t.candidateGroups.join(',');

  for (const mode of ['c7', 'c8'] as const) {
    it(`${mode}: one task per department, each for its group, listed by GET /v1/tasks; completed in any order, opinions collected in list order`, async () => {
      const key = `lay_y_kien_${mode}`;
      await publish(mode, key);
      let c = await start(key, { departments: DEPARTMENTS });
      expect(opinions(c).map(groupOf).sort()).toEqual([...DEPARTMENTS].sort());
      for (const dept of DEPARTMENTS) {
        const listed = json<{ items: Task[] }>(await inject({ method: 'GET', url: `/v1/tasks?candidateGroup=${dept}&caseId=${c.id}` }));
        expect(listed.items.map((t) => t.activityId)).toEqual(['opinion']);
      }
      // The list changed by later data does not change the running instances.
      const byGroup = new Map(opinions(c).map((t) => [groupOf(t), t] as const));
      c = await complete(byGroup.get('so-tai-chinh')!, { opinion: 'đồng ý (TC)', departments: ['x'] });
      expect(opinions(c)).toHaveLength(2);
      c = await complete(byGroup.get('so-tu-phap')!, { opinion: 'đồng ý (TP)' });
      expect(c.data.opinion).toBeUndefined(); // an instance's data is its own
      c = await complete(byGroup.get('so-xay-dung')!, { opinion: 'không đồng ý (XD)' });
      expect(c.tasks.map((t) => t.activityId)).toEqual(['summary']);
      expect(c.data.opinions).toEqual(['đồng ý (TP)', 'không đồng ý (XD)', 'đồng ý (TC)']);
      c = await complete(c.tasks[0]!, {});
      expect(c.status).toBe('completed');
      const gone = await inject({ method: 'POST', url: `/v1/tasks/${byGroup.get('so-tu-phap')!.id}/complete`, payload: { data: {} } });
      expect(gone.statusCode).toBe(409);
    });

    it(`${mode}: a completion condition ends the activity early and closes the other instances`, async () => {
      const key = `lay_y_kien_du_${mode}`;
      await publish(mode, key, { completion: 'nrOfCompletedInstances >= 2' });
      let c = await start(key, { departments: DEPARTMENTS });
      const [a, b, rest] = opinions(c);
      c = await complete(b!, { opinion: 'B' });
      expect(opinions(c)).toHaveLength(2);
      c = await complete(a!, { opinion: 'A' });
      expect(c.tasks.map((t) => t.activityId)).toEqual(['summary']);
      expect(c.data.opinions).toEqual(['A', 'B', null]);
      const closed = await inject({ method: 'POST', url: `/v1/tasks/${rest!.id}/complete`, payload: { data: {} } });
      expect(closed.statusCode).toBe(409);
      const task = json<Task>(await inject({ method: 'GET', url: `/v1/tasks/${rest!.id}` }));
      expect(task.status).not.toBe('open');
    });

    it(`${mode}: sequential instances open one at a time, in list order`, async () => {
      const key = `lay_y_kien_lan_luot_${mode}`;
      await publish(mode, key, { sequential: true });
      let c = await start(key, { departments: DEPARTMENTS });
      for (const [i, dept] of DEPARTMENTS.entries()) {
        expect(opinions(c).map(groupOf)).toEqual([dept]);
        c = await complete(opinions(c)[0]!, { opinion: `ý kiến ${i}` });
      }
      expect(c.tasks.map((t) => t.activityId)).toEqual(['summary']);
      expect(c.data.opinions).toEqual(['ý kiến 0', 'ý kiến 1', 'ý kiến 2']);
    });
  }

  it('c8: the completion condition reads the collected outputs (stop at the first refusal)', async () => {
    await publish('c8', 'tu_choi_c8', { completion: 'list contains(opinions, "no")' });
    let c = await start('tu_choi_c8', { departments: DEPARTMENTS });
    c = await complete(opinions(c)[1]!, { opinion: 'yes' });
    expect(opinions(c)).toHaveLength(2);
    c = await complete(opinions(c)[0]!, { opinion: 'no' });
    expect(c.tasks.map((t) => t.activityId)).toEqual(['summary']);
    expect(c.data.opinions).toEqual(['no', 'yes', null]);
  });

  for (const mode of ['c7', 'c8'] as const) {
    it(`${mode}: each instance's unit comes from its item`, async () => {
      await publish(mode, `don_vi_${mode}`, { unit: true });
      const c = await start(`don_vi_${mode}`, { departments: DEPARTMENTS });
      const units = await Promise.all(opinions(c).map(async (t) => json<{ unitId: string | null }>(await inject({ method: 'GET', url: `/v1/tasks/${t.id}` })).unitId));
      expect(units.sort()).toEqual([...DEPARTMENTS].sort());
    });
  }

  it('a case inside a running multi-instance step is not migrated (409 MULTI_INSTANCE_ACTIVE)', async () => {
    await publish('c7', 'di_chuyen_c7');
    const c = await start('di_chuyen_c7', { departments: DEPARTMENTS });
    const v2 = opinionDiagram('c7', 'di_chuyen_c7').replace('name="Tổng hợp ý kiến"', 'name="Tổng hợp"');
    expect((await inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: v2 })).statusCode).toBe(201);
    const res = await inject({ method: 'POST', url: `/v1/cases/${c.id}/migrate`, payload: { toVersion: 2 } });
    expect(res.statusCode, res.body).toBe(409);
    expect(json<{ error: { code: string } }>(res).error.code).toBe('MULTI_INSTANCE_ACTIVE');
  });

  it('c7: a loop cardinality starts that many tasks', async () => {
    await publish('c7', 'so_luot_c7', { cardinality: '${reviewers}' });
    let c = await start('so_luot_c7', { reviewers: 3 });
    expect(opinions(c).map(groupOf)).toEqual(['tham-dinh', 'tham-dinh', 'tham-dinh']);
    for (const t of opinions(c)) c = await complete(t, { ok: true });
    expect(c.tasks.map((t) => t.activityId)).toEqual(['summary']);
    expect(c.data.opinion_outputs).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
  });

  it('an empty list skips the activity', async () => {
    await publish('c7', 'lay_y_kien_c7');
    const c = await start('lay_y_kien_c7', { departments: [] });
    expect(c.tasks.map((t) => t.activityId)).toEqual(['summary']);
  });

  it('c8: each instance of a plugin task is its own call, seeing its item; outputs in list order', async () => {
    await publish('c8', 'plugin_mi_c8', { host: 'service', element: 'echo' });
    const c = await start('plugin_mi_c8', { departments: DEPARTMENTS, echo: 'x' });
    const done = await eventually(async () => {
      const now = await read(c.id);
      return now.tasks.some((t) => t.activityId === 'summary') ? now : undefined;
    }, 60_000);
    expect(done.data.opinions).toEqual(DEPARTMENTS);
    expect(done.data.echoed).toBeUndefined();
  }, 90_000);

  for (const mode of ['c7', 'c8'] as const) {
    it(`${mode}: each instance of a sub-process runs its own inner task, for the instance's department`, async () => {
      await publish(mode, `sub_mi_${mode}`, { host: 'sub' });
      let c = await start(`sub_mi_${mode}`, { departments: DEPARTMENTS });
      expect(c.tasks.map((t) => t.activityId)).toEqual(['review', 'review', 'review']);
      expect(c.tasks.map(groupOf).sort()).toEqual([...DEPARTMENTS].sort());
      for (const t of [...c.tasks].reverse()) c = await complete(t, {});
      expect(c.tasks.map((t) => t.activityId)).toEqual(['summary']);
    });
  }

  it('a list longer than the configured maximum is refused with a code, not run', async () => {
    const res = await inject({
      method: 'POST',
      url: '/v1/cases',
      payload: { unitId: TEST_UNIT_ID, procedureKey: 'lay_y_kien_c7', data: { departments: ['a', 'b', 'c', 'd', 'e', 'f'] } },
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(json<{ error: { code: string } }>(res).error.code).toBe('MULTI_INSTANCE_LIMIT');
    const notList = await inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: 'lay_y_kien_c7', data: { departments: 'so-tu-phap' } } });
    expect(notList.statusCode, notList.body).toBe(422);
    expect(json<{ error: { code: string } }>(notList).error.code).toBe('MULTI_INSTANCE_INPUT');
  });

  it('reached in a background step, a list over the maximum is an incident with the code, not a stalled case', async () => {
    const xml = opinionDiagram('c7', 'nen_c7')
      .replace('targetRef="opinion"/>', 'targetRef="prep"/><bpmn:serviceTask id="prep" camunda:type="external" camunda:topic="echo"/><bpmn:sequenceFlow id="fp" sourceRef="prep" targetRef="opinion"/>');
    const res = await inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: xml });
    expect(res.statusCode, res.body).toBe(201);
    const c = await start('nen_c7', { departments: ['a', 'b', 'c', 'd', 'e', 'f'] });
    const stopped = await eventually(async () => {
      const body = json<{ status: string; incident: { code?: string; activityId?: string } | null }>(await inject({ method: 'GET', url: `/v1/cases/${c.id}` }));
      return body.status === 'incident' ? body : undefined;
    }, 60_000);
    expect(stopped.incident?.code).toBe('MULTI_INSTANCE_LIMIT');
  }, 90_000);
});
