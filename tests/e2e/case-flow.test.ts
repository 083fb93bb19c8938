import { readFileSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startService, type TestService } from '../support/harness.js';
import { TEST_UNIT_ID, createTestUnit } from '../support/auth.js';

const permitXml = readFileSync('tests/fixtures/scenarios/permit.bpmn', 'utf8');

describe('a case through user tasks, gateway, message, plugins and timers', () => {
  let svc: TestService;
  const inject = (opts: InjectOptions) => svc.inject(opts);
  const json = <T = Record<string, unknown>>(res: { body: string }) => JSON.parse(res.body) as T;

  beforeAll(async () => {
    svc = await startService('caseflow');
    await createTestUnit(svc);
    const res = await inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: permitXml });
    expect(res.statusCode).toBe(201);
  });
  afterAll(async () => svc?.destroy());

  async function start(data: Record<string, unknown>) {
    const res = await inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: 'permit', data } });
    expect(res.statusCode).toBe(201);
    return json<{ id: string; status: string; tasks: { id: string; activityId: string }[]; procedureVersion: number }>(res);
  }
  const getCase = async (id: string) =>
    json<{ status: string; data: Record<string, unknown>; tasks: { id: string; activityId: string }[]; incident: unknown; waitingFor: { kind: string }[] }>(
      await inject({ method: 'GET', url: `/v1/cases/${id}` }),
    );
  const complete = (taskId: string, data: Record<string, unknown>, actor = 'officer-1') =>
    inject({ method: 'POST', url: `/v1/tasks/${taskId}/complete`, payload: { data, actor } });

  it('walks the incomplete → supplement → approve → notify path', async () => {
    const c = await start({ area: 120, failTimes: 0 });
    expect(c.status).toBe('active');
    expect(c.procedureVersion).toBe(1);
    expect(c.tasks.map((t) => t.activityId)).toEqual(['review']);

    let res = await complete(c.tasks[0]!.id, { complete: false });
    expect(res.statusCode).toBe(200);
    expect(json<{ tasks: unknown[]; waitingFor: { kind: string; message?: string }[] }>(res).waitingFor).toContainEqual(
      expect.objectContaining({ kind: 'message', message: 'supplement' }),
    );

    // completing the same task twice is a conflict, and changes nothing
    res = await complete(c.tasks[0]!.id, { complete: true });
    expect(res.statusCode).toBe(409);
    expect(json<{ error: { code: string } }>(res).error.code).toBe('TASK_NOT_OPEN');

    res = await inject({ method: 'POST', url: `/v1/cases/${c.id}/messages`, payload: { name: 'nope', data: {} } });
    expect(res.statusCode).toBe(409);
    res = await inject({ method: 'POST', url: `/v1/cases/${c.id}/messages`, payload: { name: 'supplement', data: { supplied: ['deed'] } } });
    expect(res.statusCode).toBe(200);
    const afterSupplement = json<{ tasks: { id: string; activityId: string }[]; data: Record<string, unknown> }>(res);
    expect(afterSupplement.data.supplied).toEqual(['deed']);
    expect(afterSupplement.tasks.map((t) => t.activityId)).toEqual(['review']);

    res = await complete(afterSupplement.tasks[0]!.id, { complete: true });
    const atApproval = json<{ tasks: { id: string; activityId: string }[] }>(res);
    expect(atApproval.tasks.map((t) => t.activityId)).toEqual(['approve']);
    res = await complete(atApproval.tasks[0]!.id, { approved: true }, 'leader-1');
    expect(res.statusCode).toBe(200);

    const done = await eventually(async () => {
      const cur = await getCase(c.id);
      return cur.status === 'completed' ? cur : undefined;
    });
    expect(done.data.flakyDoneOnCall).toBe(1);

    const history = json<{ items: { type: string; activityId: string | null; by: string | null }[] }>(
      await inject({ method: 'GET', url: `/v1/cases/${c.id}/history` }),
    ).items;
    expect(history[0]!.type).toBe('case.started');
    expect(history.filter((h) => h.type === 'task.completed').map((h) => h.by)).toEqual(['bootstrap-admin/officer-1', 'bootstrap-admin/officer-1', 'bootstrap-admin/leader-1']);
    expect(history.some((h) => h.type === 'message.received')).toBe(true);
    expect(history.at(-1)!.type).toBe('case.completed');
  });

  it('fires an interrupting boundary timer and cancels the task it interrupts', async () => {
    const c = await start({ area: 100 });
    const res = await complete(c.tasks[0]!.id, { complete: true });
    const approveTask = json<{ tasks: { id: string }[] }>(res).tasks[0]!;
    const ended = await eventually(async () => {
      const cur = await getCase(c.id);
      return cur.status === 'completed' ? cur : undefined;
    });
    expect(ended.tasks).toEqual([]);
    const task = json<{ status: string }>(await inject({ method: 'GET', url: `/v1/tasks/${approveTask.id}` }));
    expect(task.status).toBe('cancelled');
    const late = await complete(approveTask.id, {});
    expect(late.statusCode).toBe(409);
  });

  it('cancels a boundary timer whose task finished first', async () => {
    const c = await start({ area: 100 });
    const res = await complete(c.tasks[0]!.id, { complete: true });
    const approveTask = json<{ tasks: { id: string }[] }>(res).tasks[0]!;
    await complete(approveTask.id, {});
    const ended = await eventually(async () => {
      const cur = await getCase(c.id);
      return cur.status === 'completed' ? cur : undefined;
    });
    expect(ended.data.flakyDoneOnCall).toBe(1);
    const history = json<{ items: { type: string; activityId: string | null }[] }>(
      await inject({ method: 'GET', url: `/v1/cases/${c.id}/history` }),
    ).items;
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // past the 2 s timer
    const after = json<{ items: unknown[] }>(await inject({ method: 'GET', url: `/v1/cases/${c.id}/history` })).items;
    expect(after.length).toBe(history.length);
    expect(history.some((h) => h.type === 'timer.fired' && h.activityId === 'approvalTimeout')).toBe(false);
  });

  it('retries a failing plugin, raises an incident after the last attempt, and retries by API', async () => {
    const c = await start({ area: 100, failTimes: 3 }); // PLUGIN_ATTEMPTS=3 in tests
    const approve = json<{ tasks: { id: string }[] }>(await complete(c.tasks[0]!.id, { complete: true })).tasks[0]!;
    await complete(approve.id, {});
    const failed = await eventually(async () => {
      const cur = await getCase(c.id);
      return cur.status === 'incident' ? cur : undefined;
    });
    expect(failed.incident).toMatchObject({ kind: 'service', activityId: 'notify', message: 'flaky failure on call 3' });

    const retried = await inject({ method: 'POST', url: `/v1/cases/${c.id}/incidents/retry`, payload: {} });
    expect(retried.statusCode).toBe(200);
    const done = await eventually(async () => {
      const cur = await getCase(c.id);
      return cur.status === 'completed' ? cur : undefined;
    });
    expect(done.data.flakyDoneOnCall).toBe(4);
    const again = await inject({ method: 'POST', url: `/v1/cases/${c.id}/incidents/retry`, payload: {} });
    expect(again.statusCode).toBe(409);
  });
});
