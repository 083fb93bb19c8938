import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../support/harness.js';
import { TEST_UNIT_ID, createTestUnit } from '../support/auth.js';

/*
 * A terminate end event inside a sub-process ends that sub-process only; a link throw jumps to
 * its catch. Through the service (HTTP, the case stored between steps), Camunda 7 and 8 exports:
 *   [sub: fork ─▶ A ─▶ end | ─▶ T ─▶ terminate] ─▶ summary ─▶ link "tiep" … link "tiep" ─▶ final ─▶ end
 */
type Mode = 'c7' | 'c8';
const ns: Record<Mode, string> = {
  c7: 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
  c8: 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" modeler:executionPlatform="Camunda Cloud"',
};
const userTask = (mode: Mode, id: string) =>
  mode === 'c7'
    ? `<bpmn:userTask id="${id}" camunda:candidateGroups="mot-cua"/>`
    : `<bpmn:userTask id="${id}"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="mot-cua"/></bpmn:extensionElements></bpmn:userTask>`;
const f = (id: string, from: string, to: string) => `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"/>`;

const exportOf = (mode: Mode, key: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" ${ns[mode]} id="defs_${key}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${key}" isExecutable="true">
    <bpmn:startEvent id="s"/>${f('f0', 's', 'sub')}
    <bpmn:subProcess id="sub" name="Thẩm định">
      <bpmn:startEvent id="ss"/>${f('g0', 'ss', 'fk')}<bpmn:parallelGateway id="fk"/>${f('g1', 'fk', 'A')}${f('g2', 'fk', 'T')}
      ${userTask(mode, 'A')}${f('g3', 'A', 'se')}<bpmn:endEvent id="se"/>
      ${userTask(mode, 'T')}${f('g4', 'T', 'te')}<bpmn:endEvent id="te" name="Dừng thẩm định"><bpmn:terminateEventDefinition id="ted"/></bpmn:endEvent>
    </bpmn:subProcess>
    ${f('f1', 'sub', 'summary')}${userTask(mode, 'summary')}${f('f2', 'summary', 'lt')}
    <bpmn:intermediateThrowEvent id="lt" name="Sang bước tiếp"><bpmn:linkEventDefinition id="ltd" name="tiep"/></bpmn:intermediateThrowEvent>
    <bpmn:intermediateCatchEvent id="lc" name="Bước tiếp"><bpmn:linkEventDefinition id="lcd" name="tiep"/></bpmn:intermediateCatchEvent>
    ${f('f3', 'lc', 'final')}${userTask(mode, 'final')}${f('f4', 'final', 'e')}<bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

interface CaseView { id: string; status: string; tasks: { id: string; activityId: string }[] }

describe('terminate inside a sub-process, link events (Camunda 7 and 8 exports)', () => {
  let svc: TestService;
  const inject = (opts: InjectOptions) => svc.inject(opts);
  const json = <T>(res: { body: string }) => JSON.parse(res.body) as T;

  beforeAll(async () => {
    svc = await startService('links_terminate');
    await createTestUnit(svc);
    for (const mode of ['c7', 'c8'] as const) {
      const res = await inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: exportOf(mode, `tham_dinh_${mode}`) });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => svc?.destroy());

  const read = async (id: string) => json<CaseView>(await inject({ method: 'GET', url: `/v1/cases/${id}` }));
  const open = (c: CaseView) => c.tasks.map((t) => t.activityId).sort();
  const complete = async (c: CaseView, activityId: string) => {
    const task = c.tasks.find((t) => t.activityId === activityId);
    if (!task) throw new Error(`no open task ${activityId}: ${open(c).join(', ')}`);
    const res = await inject({ method: 'POST', url: `/v1/tasks/${task.id}/complete`, payload: { data: {}, actor: 'chuyen-vien-1' } });
    expect(res.statusCode, res.body).toBe(200);
    return read(c.id);
  };

  for (const mode of ['c7', 'c8'] as const) {
    it(`${mode}: the terminate end ends the sub-process (its open task closed), the case goes on and jumps through the link`, async () => {
      const res = await inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: `tham_dinh_${mode}`, data: {} } });
      expect(res.statusCode, res.body).toBe(201);
      let c = json<CaseView>(res);
      expect(open(c)).toEqual(['A', 'T']);
      const taskA = c.tasks.find((t) => t.activityId === 'A')!;
      c = await complete(c, 'T');
      expect(c.status).toBe('active');
      expect(open(c)).toEqual(['summary']);
      const a = json<{ status: string }>(await inject({ method: 'GET', url: `/v1/tasks/${taskA.id}` }));
      expect(a.status).not.toBe('open');
      c = await complete(c, 'summary');
      expect(open(c)).toEqual(['final']);
      c = await complete(c, 'final');
      expect(c.status).toBe('completed');
    });

    it(`${mode}: when the other branch ends first, the sub-process still waits for the terminating one`, async () => {
      const res = await inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: `tham_dinh_${mode}`, data: {} } });
      let c = json<CaseView>(res);
      c = await complete(c, 'A');
      expect(open(c)).toEqual(['T']);
      c = await complete(c, 'T');
      expect(open(c)).toEqual(['summary']);
    });
  }
});
