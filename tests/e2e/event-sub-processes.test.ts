import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startService, type TestService } from '../support/harness.js';
import { TEST_UNIT_ID, createTestUnit } from '../support/auth.js';

/*
 * Event sub-processes, escalations and plugin-raised BPMN errors over HTTP, cases in FerretDB,
 * timers and plugin calls through BullMQ on Redis (Camunda 7 exports).
 */
const f = (id: string, from: string, to: string) => `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"/>`;
const task = (id: string, name = id) => `<bpmn:userTask id="${id}" name="${name}" camunda:candidateGroups="mot-cua"/>`;
const diagram = (key: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_${key}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:message id="m_rut" name="rut_ho_so"/>
  <bpmn:error id="err_thieu" name="Thiếu giấy tờ" errorCode="THIEU_GIAY_TO"/>
  <bpmn:escalation id="esc_lanh_dao" name="Chuyển lãnh đạo" escalationCode="LANH_DAO"/>
  <bpmn:process id="${key}" isExecutable="true"><bpmn:startEvent id="s"/>${body}</bpmn:process>
</bpmn:definitions>`;
const esp = (id: string, interrupting: boolean, trigger: string, taskName: string) => `
  <bpmn:subProcess id="${id}" triggeredByEvent="true">
    <bpmn:startEvent id="${id}_s" isInterrupting="${interrupting}">${trigger}</bpmn:startEvent>${f(`${id}_f0`, `${id}_s`, `${id}_t`)}
    ${task(`${id}_t`, taskName)}${f(`${id}_f1`, `${id}_t`, `${id}_e`)}<bpmn:endEvent id="${id}_e"/>
  </bpmn:subProcess>`;
const steps = `${f('f0', 's', 'tiep_nhan')}${task('tiep_nhan', 'Tiếp nhận')}${f('f1', 'tiep_nhan', 'tham_dinh')}${task('tham_dinh', 'Thẩm định')}${f('f2', 'tham_dinh', 'e')}<bpmn:endEvent id="e"/>`;

const DIAGRAMS: Record<string, string> = {
  // "The statutory time is about to run out": 2 s after the case starts, whatever step it is at.
  esp_timer: diagram('esp_timer', steps + esp('sap_het_han', true, '<bpmn:timerEventDefinition><bpmn:timeDuration>PT2S</bpmn:timeDuration></bpmn:timerEventDefinition>', 'Xử lý sắp hết hạn')),
  // "The applicant withdraws the dossier": recorded beside the running step, which stays.
  esp_message: diagram('esp_message', steps + esp('rut', false, '<bpmn:messageEventDefinition messageRef="m_rut"/>', 'Ghi nhận rút hồ sơ')),
  esp_withdraw: diagram('esp_withdraw', steps + esp('rut', true, '<bpmn:messageEventDefinition messageRef="m_rut"/>', 'Trả hồ sơ rút')),
  esp_error: diagram(
    'esp_error',
    `${f('f0', 's', 'fk')}<bpmn:parallelGateway id="fk"/>${f('f1', 'fk', 'tham_dinh')}${f('f2', 'fk', 'kiem_tra')}
     ${task('tham_dinh')}${f('f3', 'tham_dinh', 'e')}<bpmn:endEvent id="e"/>
     ${task('kiem_tra')}${f('f4', 'kiem_tra', 'loi')}<bpmn:endEvent id="loi"><bpmn:errorEventDefinition errorRef="err_thieu"/></bpmn:endEvent>
     ${esp('tu_choi', true, '<bpmn:errorEventDefinition errorRef="err_thieu"/>', 'Từ chối')}`,
  ),
  ...Object.fromEntries(
    [true, false].map((cancel) => {
      const key = cancel ? 'esc_interrupting' : 'esc_non_interrupting';
      return [
        key,
        diagram(
          key,
          `${f('f0', 's', 'sub')}<bpmn:subProcess id="sub" name="Xử lý">
            <bpmn:startEvent id="ss"/>${f('g0', 'ss', 'chuyen_vien')}${task('chuyen_vien')}${f('g1', 'chuyen_vien', 'chuyen')}
            <bpmn:intermediateThrowEvent id="chuyen" name="Chuyển lãnh đạo"><bpmn:escalationEventDefinition escalationRef="esc_lanh_dao"/></bpmn:intermediateThrowEvent>
            ${f('g2', 'chuyen', 'hoan_thien')}${task('hoan_thien')}${f('g3', 'hoan_thien', 'se')}<bpmn:endEvent id="se"/>
          </bpmn:subProcess>${f('f1', 'sub', 'e')}<bpmn:endEvent id="e"/>
          <bpmn:boundaryEvent id="bx" attachedToRef="sub" cancelActivity="${cancel}"><bpmn:escalationEventDefinition escalationRef="esc_lanh_dao"/></bpmn:boundaryEvent>
          ${f('f2', 'bx', 'lanh_dao')}${task('lanh_dao', 'Lãnh đạo xem xét')}${f('f3', 'lanh_dao', 'e2')}<bpmn:endEvent id="e2"/>`,
        ),
      ];
    }),
  ),
  plugin_error: diagram(
    'plugin_error',
    `${f('f0', 's', 'check')}<bpmn:serviceTask id="check" camunda:type="external" camunda:topic="check-documents"/>${f('f1', 'check', 'tham_dinh')}
     ${task('tham_dinh')}${f('f2', 'tham_dinh', 'e')}<bpmn:endEvent id="e"/>
     <bpmn:boundaryEvent id="thieu" attachedToRef="check"><bpmn:errorEventDefinition errorRef="err_thieu"/></bpmn:boundaryEvent>
     ${f('f3', 'thieu', 'bo_sung')}${task('bo_sung', 'Yêu cầu bổ sung')}${f('f4', 'bo_sung', 'e2')}<bpmn:endEvent id="e2"/>`,
  ),
};

// The same constructs in a Camunda 8 (Zeebe) export: plugin by zeebe:taskDefinition, groups by zeebe:assignmentDefinition.
const zeebeTask = (id: string) =>
  `<bpmn:userTask id="${id}"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="mot-cua"/></bpmn:extensionElements></bpmn:userTask>`;
const C8 = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" modeler:executionPlatform="Camunda Cloud" id="defs_c8" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:message id="m_rut" name="rut_ho_so"/>
  <bpmn:error id="err_thieu" errorCode="THIEU_GIAY_TO"/>
  <bpmn:process id="esp_c8" isExecutable="true"><bpmn:startEvent id="s"/>${f('f0', 's', 'check')}
    <bpmn:serviceTask id="check"><bpmn:extensionElements><zeebe:taskDefinition type="check-documents"/></bpmn:extensionElements></bpmn:serviceTask>
    ${f('f1', 'check', 'tham_dinh')}${zeebeTask('tham_dinh')}${f('f2', 'tham_dinh', 'e')}<bpmn:endEvent id="e"/>
    <bpmn:boundaryEvent id="thieu" attachedToRef="check"><bpmn:errorEventDefinition errorRef="err_thieu"/></bpmn:boundaryEvent>
    ${f('f3', 'thieu', 'bo_sung')}${zeebeTask('bo_sung')}${f('f4', 'bo_sung', 'e2')}<bpmn:endEvent id="e2"/>
    <bpmn:subProcess id="rut" triggeredByEvent="true">
      <bpmn:startEvent id="rut_s"><bpmn:messageEventDefinition messageRef="m_rut"/></bpmn:startEvent>${f('g0', 'rut_s', 'rut_t')}${zeebeTask('rut_t')}${f('g1', 'rut_t', 'rut_e')}<bpmn:endEvent id="rut_e"/>
    </bpmn:subProcess>
  </bpmn:process>
</bpmn:definitions>`;
DIAGRAMS.esp_c8 = C8;

interface CaseView {
  id: string;
  status: string;
  tasks: { id: string; activityId: string }[];
  waitingFor: { kind: string; activityId: string }[];
  incident: { code?: string; activityId?: string } | null;
}

describe('event sub-processes, escalations, plugin BPMN errors (HTTP, FerretDB, Redis)', () => {
  let svc: TestService;
  const inject = (opts: InjectOptions) => svc.inject(opts);
  const json = <T>(res: { body: string }) => JSON.parse(res.body) as T;
  const read = async (id: string) => json<CaseView>(await inject({ method: 'GET', url: `/v1/cases/${id}` }));
  const open = (c: CaseView) => c.tasks.map((t) => t.activityId).sort();
  const start = async (procedureKey: string, data: Record<string, unknown> = {}) => {
    const res = await inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey, data } });
    expect(res.statusCode, res.body).toBe(201);
    return json<CaseView>(res);
  };
  const complete = async (c: CaseView, activityId: string) => {
    const t = c.tasks.find((x) => x.activityId === activityId);
    if (!t) throw new Error(`no open task ${activityId}: ${open(c).join(', ')}`);
    const res = await inject({ method: 'POST', url: `/v1/tasks/${t.id}/complete`, payload: { data: {}, actor: 'chuyen-vien-1' } });
    expect(res.statusCode, res.body).toBe(200);
    return json<CaseView>(res);
  };
  const taskStatus = async (taskId: string) => json<{ status: string }>(await inject({ method: 'GET', url: `/v1/tasks/${taskId}` })).status;

  beforeAll(async () => {
    svc = await startService('event_sub_processes');
    await createTestUnit(svc);
    for (const xml of Object.values(DIAGRAMS)) {
      const res = await inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: xml });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => svc?.destroy());

  it('an interrupting timer event sub-process cancels the running task when its time comes (BullMQ timer)', async () => {
    const c = await start('esp_timer');
    expect(open(c)).toEqual(['tiep_nhan']);
    expect(c.waitingFor).toEqual([expect.objectContaining({ kind: 'timer', activityId: 'sap_het_han_s' })]);
    const first = c.tasks[0]!.id;
    const after = await eventually(async () => {
      const now = await read(c.id);
      return open(now).includes('sap_het_han_t') ? now : undefined;
    }, 30_000);
    expect(open(after)).toEqual(['sap_het_han_t']);
    expect(after.waitingFor).toEqual([]);
    expect(await taskStatus(first)).toBe('cancelled');
    const done = await complete(after, 'sap_het_han_t');
    expect(done.status).toBe('completed');
  });

  it('a non-interrupting message event sub-process opens an extra task while the main task stays (POST /v1/cases/:id/messages)', async () => {
    let c = await start('esp_message');
    const res = await inject({ method: 'POST', url: `/v1/cases/${c.id}/messages`, payload: { name: 'rut_ho_so', data: { lyDo: 'không còn nhu cầu' } } });
    expect(res.statusCode, res.body).toBe(200);
    c = json<CaseView>(res);
    expect(open(c)).toEqual(['rut_t', 'tiep_nhan']);
    // While it runs it is not armed again: a second message finds nothing waiting for it.
    const again = await inject({ method: 'POST', url: `/v1/cases/${c.id}/messages`, payload: { name: 'rut_ho_so', data: {} } });
    expect(again.statusCode, again.body).toBe(409);
    c = await complete(c, 'rut_t');
    expect(open(c)).toEqual(['tiep_nhan']);
    expect(c.waitingFor).toEqual([expect.objectContaining({ kind: 'message', activityId: 'rut_s' })]);
    c = await complete(c, 'tiep_nhan');
    c = await complete(c, 'tham_dinh');
    expect(c.status).toBe('completed');
  });

  it('an interrupting message event sub-process: the applicant withdraws at any step', async () => {
    let c = await start('esp_withdraw');
    c = await complete(c, 'tiep_nhan');
    const running = c.tasks[0]!.id;
    const res = await inject({ method: 'POST', url: `/v1/cases/${c.id}/messages`, payload: { name: 'rut_ho_so', data: {} } });
    expect(res.statusCode, res.body).toBe(200);
    c = json<CaseView>(res);
    expect(open(c)).toEqual(['rut_t']);
    expect(await taskStatus(running)).toBe('cancelled');
    c = await complete(c, 'rut_t');
    expect(c.status).toBe('completed');
  });

  it('an error event sub-process takes over from the rest of the process', async () => {
    let c = await start('esp_error');
    expect(open(c)).toEqual(['kiem_tra', 'tham_dinh']);
    c = await complete(c, 'kiem_tra');
    expect(open(c)).toEqual(['tu_choi_t']);
    c = await complete(c, 'tu_choi_t');
    expect(c.status).toBe('completed');
  });

  it('an interrupting escalation boundary event leaves the sub-process for the leader', async () => {
    let c = await start('esc_interrupting');
    c = await complete(c, 'chuyen_vien');
    expect(open(c)).toEqual(['lanh_dao']);
    c = await complete(c, 'lanh_dao');
    expect(c.status).toBe('completed');
  });

  it('a non-interrupting escalation boundary event gives the leader a task while the sub-process goes on', async () => {
    let c = await start('esc_non_interrupting');
    c = await complete(c, 'chuyen_vien');
    expect(open(c)).toEqual(['hoan_thien', 'lanh_dao']);
    c = await complete(c, 'lanh_dao');
    c = await complete(c, 'hoan_thien');
    expect(c.status).toBe('completed');
  });

  it('a BPMN error raised by a plugin is caught by the boundary error event with its code, no retry, no incident', async () => {
    const c = await start('plugin_error', { raiseCode: 'THIEU_GIAY_TO' });
    const caught = await eventually(async () => {
      const now = await read(c.id);
      return open(now).includes('bo_sung') ? now : undefined;
    }, 30_000);
    expect(caught.status).toBe('active');
    expect(caught.incident).toBeNull();
    const history = json<{ items: { type: string; dataJson?: string; data?: unknown }[] }>(await inject({ method: 'GET', url: `/v1/cases/${c.id}/history` }));
    expect(history.items.map((h) => h.type)).toContain('service.bpmnError');
  });

  it('a BPMN error nothing catches becomes an incident carrying its code', async () => {
    const c = await start('plugin_error', { raiseCode: 'KHONG_RO' });
    const failed = await eventually(async () => {
      const now = await read(c.id);
      return now.status === 'incident' ? now : undefined;
    }, 30_000);
    expect(failed.incident).toEqual(expect.objectContaining({ code: 'KHONG_RO', activityId: 'check' }));
  });

  it('Camunda 8 export: the plugin\'s BPMN error goes to its boundary, then the withdrawal message interrupts', async () => {
    const c = await start('esp_c8', { raiseCode: 'THIEU_GIAY_TO' });
    const caught = await eventually(async () => {
      const now = await read(c.id);
      return open(now).includes('bo_sung') ? now : undefined;
    }, 30_000);
    const running = caught.tasks[0]!.id;
    const res = await inject({ method: 'POST', url: `/v1/cases/${c.id}/messages`, payload: { name: 'rut_ho_so', data: {} } });
    expect(res.statusCode, res.body).toBe(200);
    expect(open(json<CaseView>(res))).toEqual(['rut_t']);
    expect(await taskStatus(running)).toBe('cancelled');
  });

  it('refuses at publish an event sub-process with a sequence flow, and an error start that does not interrupt', async () => {
    const bad = diagram('esp_bad', steps + esp('x', false, '<bpmn:errorEventDefinition errorRef="err_thieu"/>', 'X') + f('fx', 'x', 'tham_dinh'));
    const res = await inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: bad });
    expect(res.statusCode).toBe(422);
    const codes = (json<{ error: { details: { problems: { code: string }[] } } }>(res).error.details.problems ?? []).map((p) => p.code).sort();
    expect(codes).toEqual(['EVENT_SUBPROCESS_FLOW', 'EVENT_SUBPROCESS_START']);
  });
});
