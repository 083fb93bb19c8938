import { readFileSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startService, type TestService } from '../support/harness.js';
import { TEST_UNIT_ID, createKey, createTestUnit, createUnit, type TestKey } from '../support/auth.js';

/** Call activities over HTTP: a child case at its own unit, linked both ways, answering once. */

const fixture = (name: string) => readFileSync(`tests/fixtures/call-activities/${name}`, 'utf8');
const CHILD_UNIT = 'ca-don-vi-con';

interface CaseBody {
  id: string;
  status: string;
  unitId: string | null;
  procedureVersion: number;
  data: Record<string, unknown>;
  tasks: { id: string; activityId: string; unitId: string | null }[];
  waitingFor: { kind: string; activityId: string; childCaseId?: string; calledElement?: string }[];
  parentCaseId: string | null;
  parentCall: { caseId: string; activityId: string; depth: number } | null;
  calledCases: { caseId: string; activityId: string; procedureKey: string; procedureVersion: number; unitId: string | null; status: string; endedAt: string | null }[];
  incident: { code?: string } | null;
}
interface History {
  items: { type: string; activityId: string | null; data: Record<string, unknown> | null }[];
}

describe('call activities end to end', () => {
  let svc: TestService;
  let parentDesk: TestKey;
  let childSpecialist: TestKey;
  const inject = (opts: InjectOptions) => svc.inject(opts);
  const json = <T>(res: { body: string }) => JSON.parse(res.body) as T;
  const getCase = async (id: string) => json<CaseBody>(await inject({ method: 'GET', url: `/v1/cases/${id}` }));
  const history = async (id: string) => json<History>(await inject({ method: 'GET', url: `/v1/cases/${id}/history` })).items;
  const count = (items: History['items'], type: string) => items.filter((h) => h.type === type).length;
  const complete = async (taskId: string, data: Record<string, unknown>, as?: TestKey) => {
    const res = await (as ?? svc).inject({ method: 'POST', url: `/v1/tasks/${taskId}/complete`, payload: { data } });
    expect(res.statusCode, res.body).toBe(200);
    return json<CaseBody>(res);
  };
  const publish = async (xml: string) => {
    const res = await inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: xml });
    expect(res.statusCode, res.body).toBe(201);
  };

  /** Starts `key`, completes Prepare, and waits for the child case to exist at its unit. */
  async function startToChild(key: string, data: Record<string, unknown> = {}) {
    const res = await inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: key, data: { applicant: 'Trần Thị B', request: { amount: 3 }, secret: 'x', childUnit: CHILD_UNIT, ...data } } });
    expect(res.statusCode, res.body).toBe(201);
    const started = json<CaseBody>(res);
    const calling = await complete(started.tasks[0]!.id, {});
    const wait = calling.waitingFor.find((w) => w.kind === 'call');
    expect(wait).toMatchObject({ activityId: 'CallChild', calledElement: 'ca-child' });
    const childId = wait!.childCaseId!;
    const child = await eventually(async () => {
      const r = await inject({ method: 'GET', url: `/v1/cases/${childId}` });
      return r.statusCode === 200 ? json<CaseBody>(r) : undefined;
    }, 30_000);
    return { parentId: started.id, childId, child };
  }

  beforeAll(async () => {
    svc = await startService('calls');
    await createTestUnit(svc);
    await createUnit(svc, { id: CHILD_UNIT, code: '000.00.98.T99' });
    for (const file of ['ca-child.bpmn', 'ca-child-v2.bpmn', 'ca-parent.bpmn', 'ca-parent-v1.bpmn', 'ca-parent-tag.bpmn', 'ca-parent-missing.bpmn', 'ca-parent-zeebe.bpmn']) await publish(fixture(file));
    parentDesk = await createKey(svc, 'desk-officer', [TEST_UNIT_ID]);
    childSpecialist = await createKey(svc, 'specialist', [CHILD_UNIT]);
  }, 120_000);
  afterAll(async () => svc?.destroy());

  it('starts the child at its unit with the input mappings, and resumes the parent once with the outputs', async () => {
    const { parentId, childId, child } = await startToChild('ca-parent');
    expect(child).toMatchObject({ procedureVersion: 2, unitId: CHILD_UNIT, parentCaseId: parentId, parentCall: { caseId: parentId, activityId: 'CallChild', depth: 1 } });
    expect(child.data).toEqual({ applicant: 'Trần Thị B', amount: 3 });
    expect(child.tasks.map((t) => [t.activityId, t.unitId])).toEqual([['ChildReview', CHILD_UNIT]]);

    const parent = await eventually(async () => {
      const c = await getCase(parentId);
      return c.calledCases.length === 1 ? c : undefined;
    });
    expect(parent.calledCases[0]).toMatchObject({ caseId: childId, activityId: 'CallChild', procedureKey: 'ca-child', procedureVersion: 2, unitId: CHILD_UNIT, status: 'active' });

    // Isolation: the child's unit works its tasks; the parent's unit sees the link, not the child.
    const childTasks = json<{ items: { id: string; caseId: string }[] }>(await childSpecialist.inject({ method: 'GET', url: `/v1/tasks?caseId=${childId}` })).items;
    expect(childTasks.map((t) => t.caseId)).toEqual([childId]);
    expect(json<{ items: unknown[] }>(await parentDesk.inject({ method: 'GET', url: `/v1/tasks?caseId=${childId}` })).items).toEqual([]);
    expect((await parentDesk.inject({ method: 'GET', url: `/v1/cases/${childId}` })).statusCode).toBe(404);
    expect((await childSpecialist.inject({ method: 'GET', url: `/v1/cases/${parentId}` })).statusCode).toBe(404);
    const seenByParentUnit = json<CaseBody>(await parentDesk.inject({ method: 'GET', url: `/v1/cases/${parentId}` }));
    expect(seenByParentUnit.calledCases.map((c) => c.caseId)).toEqual([childId]);
    expect((await parentDesk.inject({ method: 'POST', url: `/v1/tasks/${childTasks[0]!.id}/complete`, payload: { data: {} } })).statusCode).toBe(404);

    const afterReview = await complete(childTasks[0]!.id, { refuse: false, decision: 'đồng ý', internal: 1 }, childSpecialist);
    await complete(afterReview.tasks.find((t) => t.activityId === 'SecondLook')!.id, {});
    const resumed = await eventually(async () => {
      const c = await getCase(parentId);
      return c.tasks.some((t) => t.activityId === 'After') ? c : undefined;
    }, 30_000);
    expect(resumed.data.childDecision).toBe('đồng ý');
    expect(resumed.data.internal).toBeUndefined();
    expect(resumed.calledCases[0]).toMatchObject({ status: 'completed' });
    expect(resumed.calledCases[0]!.endedAt).not.toBeNull();
    expect(resumed.waitingFor.filter((w) => w.kind === 'call')).toEqual([]);

    const parentHistory = await history(parentId);
    expect(count(parentHistory, 'call.started')).toBe(1);
    expect(count(parentHistory, 'call.completed')).toBe(1);
    expect(parentHistory.find((h) => h.type === 'call.started')?.data).toMatchObject({ childCaseId: childId, procedureKey: 'ca-child', unitId: CHILD_UNIT });
    const childHistory = await history(childId);
    expect(childHistory.find((h) => h.type === 'case.called')?.data).toEqual({ parentCaseId: parentId, activityId: 'CallChild' });
    expect(count(childHistory, 'case.completed')).toBe(1);

    const done = await complete(resumed.tasks.find((t) => t.activityId === 'After')!.id, {});
    expect(done.status).toBe('completed');
  }, 120_000);

  it('runs a Camunda 8 (Zeebe) call: zeebe:calledElement, ioMapping in and out, the unit from zeebe:properties', async () => {
    const res = await inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: 'ca-parent-zeebe', data: { applicant: 'Lê Văn C', secret: 'x' } } });
    expect(res.statusCode, res.body).toBe(201);
    const childId = json<CaseBody>(res).waitingFor.find((w) => w.kind === 'call')!.childCaseId!;
    const child = await eventually(async () => {
      const r = await inject({ method: 'GET', url: `/v1/cases/${childId}` });
      return r.statusCode === 200 ? json<CaseBody>(r) : undefined;
    }, 30_000);
    expect(child).toMatchObject({ unitId: CHILD_UNIT, procedureVersion: 2, data: { applicant: 'Lê Văn C' } });
    expect(child.data.secret).toBeUndefined();
    const reviewed = await complete(child.tasks[0]!.id, { decision: 'ok', other: 1 }, childSpecialist);
    await complete(reviewed.tasks[0]!.id, {});
    const parent = await eventually(async () => {
      const c = await getCase(json<CaseBody>(res).id);
      return c.tasks.some((t) => t.activityId === 'After') ? c : undefined;
    }, 30_000);
    expect(parent.data.zeebeDecision).toBe('ok');
    expect(parent.data.other).toBeUndefined();
  }, 120_000);

  it('binds by version and by version tag', async () => {
    const byVersion = await startToChild('ca-parent-v1');
    expect(byVersion.child.procedureVersion).toBe(1);
    expect(byVersion.child.tasks.map((t) => t.activityId)).toEqual(['ChildReview']);
    const byTag = await startToChild('ca-parent-tag');
    expect(byTag.child.procedureVersion).toBe(1);
    // Version 1 has no second look: one task and the parent goes on.
    await complete(byVersion.child.tasks[0]!.id, { decision: 'v1' });
    const resumed = await eventually(async () => {
      const c = await getCase(byVersion.parentId);
      return c.tasks.some((t) => t.activityId === 'After') ? c : undefined;
    }, 30_000);
    expect(resumed.data.childDecision).toBe('v1');
  }, 120_000);

  it("takes the call activity's error boundary when the child ends with that error", async () => {
    const { parentId, childId, child } = await startToChild('ca-parent');
    const ended = await complete(child.tasks[0]!.id, { refuse: true });
    expect(ended.status).toBe('completed');
    expect(json<{ endError: unknown }>(await inject({ method: 'GET', url: `/v1/cases/${childId}` })).endError).toEqual({ code: 'REFUSED', message: 'Refused' });
    const parent = await eventually(async () => {
      const c = await getCase(parentId);
      return c.tasks.some((t) => t.activityId === 'HandleRefusal') ? c : undefined;
    }, 30_000);
    expect(parent.tasks.map((t) => t.activityId)).toEqual(['HandleRefusal']);
    expect(parent.calledCases[0]).toMatchObject({ caseId: childId, status: 'error' });
    const items = await history(parentId);
    expect(count(items, 'call.error')).toBe(1);
    expect(items.find((h) => h.type === 'call.error')?.data).toMatchObject({ childCaseId: childId, errorCode: 'REFUSED' });
  }, 120_000);

  it('terminating the parent terminates its child and closes its tasks', async () => {
    const { parentId, childId, child } = await startToChild('ca-parent');
    const res = await inject({ method: 'POST', url: `/v1/cases/${parentId}/terminate`, payload: { reason: 'applicant withdrew' } });
    expect(res.statusCode, res.body).toBe(200);
    const gone = await eventually(async () => {
      const c = await getCase(childId);
      return c.status === 'terminated' ? c : undefined;
    }, 30_000);
    expect(gone.tasks).toEqual([]);
    const task = json<{ status: string }>(await inject({ method: 'GET', url: `/v1/tasks/${child.tasks[0]!.id}` }));
    expect(task.status).toBe('cancelled');
    expect(count(await history(childId), 'case.terminated')).toBe(1);
    expect((await getCase(parentId)).status).toBe('terminated');
  }, 120_000);

  it('a procedure not published when the case gets there is an incident; publishing it and retrying starts the child', async () => {
    const res = await inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: 'ca-parent-missing', data: { childUnit: CHILD_UNIT } } });
    const started = json<CaseBody>(res);
    await complete(started.tasks[0]!.id, {});
    const stuck = await eventually(async () => {
      const c = await getCase(started.id);
      return c.status === 'incident' ? c : undefined;
    }, 30_000);
    expect(stuck.incident?.code).toBe('CALLED_PROCEDURE_NOT_FOUND');
    await publish(fixture('ca-child.bpmn').replace(/ca-child/g, 'ca-nobody'));
    expect((await inject({ method: 'POST', url: `/v1/cases/${started.id}/incidents/retry`, payload: {} })).statusCode).toBe(200);
    const running = await eventually(async () => {
      const c = await getCase(started.id);
      return c.calledCases.length === 1 ? c : undefined;
    }, 30_000);
    expect(running.status).toBe('active');
    expect(running.calledCases[0]).toMatchObject({ procedureKey: 'ca-nobody', unitId: CHILD_UNIT });
    expect(running.waitingFor.find((w) => w.kind === 'call')?.childCaseId).toBe(running.calledCases[0]!.caseId);
  }, 120_000);

  it('refuses to migrate a case while its call activity waits for a child (409 CALL_ACTIVE)', async () => {
    const { parentId } = await startToChild('ca-parent');
    await publish(fixture('ca-parent.bpmn').replace('name="Parent procedure"', 'name="Parent procedure, second version"'));
    const res = await inject({ method: 'POST', url: `/v1/cases/${parentId}/migrate`, payload: { toVersion: 2 } });
    expect(res.statusCode, res.body).toBe(409);
    expect(json<{ error: { code: string } }>(res).error.code).toBe('CALL_ACTIVE');
  }, 120_000);

  it('a start or hand-back delivered again (another replica, a replay) starts no second child and resumes once', async () => {
    const { parentId, childId, child } = await startToChild('ca-parent-v1');
    const queue = new Queue('calls', { connection: { url: svc.env.REDIS_URL! }, prefix: svc.env.REDIS_PREFIX! });
    try {
      const parent = await eventually(async () => {
        const c = await getCase(parentId);
        return c.calledCases.length === 1 ? c : undefined;
      });
      const executionId = (parent.calledCases[0] as unknown as { executionId: string }).executionId;
      await queue.add('calls', { kind: 'start', caseId: parentId, executionId, attempt: 0 }, { jobId: `dup-start-${parentId}` });
      await complete(child.tasks[0]!.id, { decision: 'một lần' });
      await eventually(async () => ((await getCase(parentId)).tasks.some((t) => t.activityId === 'After') ? true : undefined), 30_000);
      await queue.add('calls', { kind: 'return', childCaseId: childId }, { jobId: `dup-return-${childId}` });
      await queue.add('calls', { kind: 'start', caseId: parentId, executionId, attempt: 0 }, { jobId: `dup-start-2-${parentId}` });
      for (const id of [`dup-start-${parentId}`, `dup-return-${childId}`, `dup-start-2-${parentId}`]) {
        await eventually(async () => ((await queue.getJobState(id)) === 'completed' ? true : undefined), 30_000);
      }
      const items = await history(parentId);
      expect(count(items, 'call.started')).toBe(1);
      expect(count(items, 'call.completed')).toBe(1);
      expect((await getCase(parentId)).calledCases).toHaveLength(1);
    } finally {
      await queue.close();
    }
  }, 120_000);
});

