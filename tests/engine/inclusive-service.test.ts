import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../support/harness.js';
import { TEST_UNIT_ID, createTestUnit } from '../support/auth.js';

/*
 * Inclusive blocks through the service's real path: publish, start, complete tasks over HTTP,
 * the case stored in FerretDB after every step, the service restarted while a branch waits.
 * One procedure, exported by Camunda Modeler in Camunda 7 mode and in Camunda 8 (Zeebe) mode:
 *   outer fork ─x─▶ inner fork ─a─▶ A ─┐ inner join ─┐
 *              │                  └b─▶ B ─┘              │
 *              ├c─▶ exclusive (needed? C1 : skip) ─▶ merge ─┤ outer join ─▶ after
 *              └r─▶ R ─▶ exclusive (again? back to R : on) ──┘
 */
type Mode = 'c7' | 'c8';
const ns: Record<Mode, string> = {
  c7: 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
  c8: 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0"',
};
const userTask = (mode: Mode, id: string, name: string) =>
  mode === 'c7'
    ? `<bpmn:userTask id="${id}" name="${name}" camunda:candidateGroups="so-${id.toLowerCase()}"/>`
    : `<bpmn:userTask id="${id}" name="${name}"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="so-${id.toLowerCase()}"/></bpmn:extensionElements></bpmn:userTask>`;
const flow = (mode: Mode, id: string, from: string, to: string, condition?: string) =>
  condition === undefined
    ? `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"/>`
    : `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${mode === 'c8' ? '=' : ''}${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>`;

function exportOf(mode: Mode, key: string): string {
  const f = (id: string, from: string, to: string, condition?: string) => flow(mode, id, from, to, condition);
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ${ns[mode]} id="defs_${key}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${key}" name="Lấy ý kiến các đơn vị (${mode})" isExecutable="true">
    <bpmn:startEvent id="s"/>${f('f0', 's', 'outer')}
    <bpmn:inclusiveGateway id="outer" name="Hỏi ý kiến đơn vị nào?"/>
    ${f('fx', 'outer', 'inner', 'x')}${f('fc', 'outer', 'chk', 'c')}${f('fr', 'outer', 'R', 'r')}
    <bpmn:inclusiveGateway id="inner"/>${f('fa', 'inner', 'A', 'a')}${f('fb', 'inner', 'B', 'b')}
    ${userTask(mode, 'A', 'Ý kiến Sở Tài chính')}${userTask(mode, 'B', 'Ý kiến Sở Xây dựng')}
    ${f('ja', 'A', 'innerJoin')}${f('jb', 'B', 'innerJoin')}<bpmn:inclusiveGateway id="innerJoin"/>${f('ji', 'innerJoin', 'outerJoin')}
    <bpmn:exclusiveGateway id="chk" default="fskip"/>${f('fneed', 'chk', 'C1', 'needed')}${f('fskip', 'chk', 'merge')}
    ${userTask(mode, 'C1', 'Ý kiến Công an')}${f('fc1', 'C1', 'merge')}<bpmn:exclusiveGateway id="merge"/>${f('jm', 'merge', 'outerJoin')}
    ${userTask(mode, 'R', 'Ý kiến UBND huyện')}${f('fr2', 'R', 'redo')}<bpmn:exclusiveGateway id="redo" default="fdone"/>
    ${f('fagain', 'redo', 'R', 'again')}${f('fdone', 'redo', 'outerJoin')}
    <bpmn:inclusiveGateway id="outerJoin"/>${f('fe', 'outerJoin', 'after')}
    ${userTask(mode, 'after', 'Tổng hợp ý kiến')}${f('fz', 'after', 'e')}<bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;
}

interface CaseView { id: string; status: string; tasks: { id: string; activityId: string }[] }

describe('inclusive gateways through the service (Camunda 7 and Camunda 8 exports)', () => {
  let svc: TestService;
  const inject = (opts: InjectOptions) => svc.inject(opts);
  const json = <T>(res: { body: string }) => JSON.parse(res.body) as T;

  beforeAll(async () => {
    svc = await startService('inclusive');
    await createTestUnit(svc);
    for (const mode of ['c7', 'c8'] as const) {
      const res = await inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: exportOf(mode, `y_kien_${mode}`) });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => svc?.destroy());

  const start = async (key: string, data: Record<string, unknown>) => {
    const res = await inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: key, data } });
    expect(res.statusCode, res.body).toBe(201);
    return json<CaseView>(res);
  };
  const read = async (id: string) => json<CaseView>(await inject({ method: 'GET', url: `/v1/cases/${id}` }));
  const open = (c: CaseView) => c.tasks.map((t) => t.activityId).sort();
  const complete = async (c: CaseView, activityId: string, data: Record<string, unknown> = {}) => {
    const task = c.tasks.find((t) => t.activityId === activityId);
    if (!task) throw new Error(`no open task ${activityId}: ${open(c).join(', ')}`);
    const res = await inject({ method: 'POST', url: `/v1/tasks/${task.id}/complete`, payload: { data, actor: 'chuyen-vien-1' } });
    expect(res.statusCode, res.body).toBe(200);
    return read(c.id);
  };

  for (const mode of ['c7', 'c8'] as const) {
    const key = `y_kien_${mode}`;

    it(`${mode}: nested block, skipped branch, looping branch, a branch finished after a restart`, async () => {
      let c = await start(key, { x: true, a: true, b: true, c: true, needed: false, r: true, again: true });
      // The skipped branch (c, needed = false) reaches the join at once; the join waits for the others.
      expect(open(c)).toEqual(['A', 'B', 'R']);
      c = await complete(c, 'R', { again: true }); // loops back
      expect(open(c)).toEqual(['A', 'B', 'R']);
      c = await complete(c, 'A');
      expect(open(c)).toEqual(['B', 'R']);

      // Weeks later, on another process: the case comes back from the store.
      await svc.close();
      svc = await startService('inclusive', { env: svc.env });
      c = await read(c.id);
      expect(open(c)).toEqual(['B', 'R']);
      c = await complete(c, 'B');
      expect(open(c)).toEqual(['R']);
      c = await complete(c, 'R', { again: false });
      expect(open(c)).toEqual(['after']);
      c = await complete(c, 'after');
      expect(c.status).toBe('completed');
    });

    it(`${mode}: only the branches whose condition holds are awaited`, async () => {
      let c = await start(key, { x: false, c: true, needed: true, r: false });
      expect(open(c)).toEqual(['C1']);
      c = await complete(c, 'C1');
      expect(open(c)).toEqual(['after']);
      c = await start(key, { x: true, a: false, b: true, c: false, r: false });
      expect(open(c)).toEqual(['B']);
      c = await complete(c, 'B');
      expect(open(c)).toEqual(['after']);
    });

    it(`${mode}: no condition holds and no default flow: refused with the gateway named`, async () => {
      const res = await inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: key, data: { x: false, c: false, r: false } } });
      expect(res.statusCode).toBe(422);
      const { error } = json<{ error: { code: string; message: string } }>(res);
      expect(error.code).toBe('INCLUSIVE_NO_FLOW');
      expect(error.message).toMatch(/INCLUSIVE_NO_FLOW.*<outer>/);
    });
  }
});
