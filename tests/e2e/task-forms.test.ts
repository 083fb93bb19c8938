import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../support/harness.js';
import { TEST_UNIT_ID, createTestUnit } from '../support/auth.js';

// A Camunda 8 export (zeebe:*) and a Camunda 7 one (camunda:*) of the same two-step procedure.
const doc = (key: string, tasks: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_${key}" targetNamespace="http://example.org">
  <bpmn:process id="${key}" name="Thủ tục ${key}" isExecutable="true">
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
    ${tasks}
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

const zeebeXml = doc(
  'zeebe_form',
  `<bpmn:userTask id="review" name="Thẩm định"><bpmn:extensionElements>
     <zeebe:assignmentDefinition assignee="cv1" candidateGroups="phong-tn"/>
     <zeebe:taskSchedule dueDate="2030-01-10T17:00:00+07:00"/>
     <zeebe:formDefinition formKey="camunda-forms:bpmn:tham-dinh"/>
   </bpmn:extensionElements></bpmn:userTask>`,
);
const camundaXml = doc(
  'c7_form',
  `<bpmn:userTask id="review" name="Thẩm định" camunda:candidateGroups="phong-tn" camunda:formKey="tham-dinh" camunda:dueDate="P2D">
     <bpmn:extensionElements><camunda:formData><camunda:formField id="ketLuan" label="Kết luận" type="string"/></camunda:formData></bpmn:extensionElements>
   </bpmn:userTask>`,
);

describe('task attributes of Camunda 7 and Camunda 8 exports reach the task API', () => {
  let svc: TestService;
  const inject = (opts: InjectOptions) => svc.inject(opts);
  const json = <T>(res: { body: string }) => JSON.parse(res.body) as T;
  interface Task { id: string; candidateGroups: string[]; assignee: string | null; dueAt: string | null; formKey: string | null; formFields: unknown[] }

  beforeAll(async () => {
    svc = await startService('taskforms');
    await createTestUnit(svc);
    const unit = await inject({ method: 'POST', url: '/v1/units', payload: { id: 'so-tnmt', code: '000.00.31.H97', name: 'Sở TN&MT', kind: 'other', parentId: null } });
    expect(unit.statusCode, unit.body).toBe(201);
    for (const xml of [zeebeXml, camundaXml]) {
      const res = await inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: xml });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => svc?.destroy());

  async function openTask(procedureKey: string): Promise<{ inCase: Task; own: Task }> {
    const res = await inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey, data: {} } });
    expect(res.statusCode, res.body).toBe(201);
    const inCase = json<{ tasks: Task[] }>(res).tasks[0]!;
    const own = json<Task>(await inject({ method: 'GET', url: `/v1/tasks/${inCase.id}` }));
    return { inCase, own };
  }

  it('Zeebe assignment, schedule and form', async () => {
    const { inCase, own } = await openTask('zeebe_form');
    for (const task of [inCase, own]) {
      expect(task).toMatchObject({ assignee: 'cv1', candidateGroups: ['phong-tn'], formKey: 'camunda-forms:bpmn:tham-dinh', formFields: [] });
      expect(task.dueAt).toBe('2030-01-10T10:00:00.000Z');
    }
  });

  it('camunda:formKey, formData and a due duration', async () => {
    const before = Date.now();
    const { inCase, own } = await openTask('c7_form');
    for (const task of [inCase, own]) {
      expect(task).toMatchObject({ formKey: 'tham-dinh', formFields: [{ id: 'ketLuan', label: 'Kết luận', type: 'string' }] });
      const due = new Date(task.dueAt ?? '').getTime();
      // Two wall-clock days from the task's creation (which happened after `before`).
      expect(due).toBeGreaterThanOrEqual(before + 2 * 86_400_000);
      expect(due).toBeLessThan(before + 2 * 86_400_000 + 600_000);
    }
  });
});
