import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../support/harness.js';
import { TEST_UNIT_ID, createTestUnit } from '../support/auth.js';

// Version migration of cases with event sub-processes (src/cases/event-sub-process-migration.ts).
const f = (id: string, from: string, to: string) => `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"/>`;
const task = (id: string) => `<bpmn:userTask id="${id}" camunda:candidateGroups="mot-cua"/>`;
const diagram = (espId: string, name = 'Thủ tục') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:message id="m_rut" name="rut_ho_so"/>
  <bpmn:process id="esp_migrate" name="${name}" isExecutable="true"><bpmn:startEvent id="s"/>${f('f0', 's', 'A')}${task('A')}${f('f1', 'A', 'e')}<bpmn:endEvent id="e"/>
    <bpmn:subProcess id="${espId}" triggeredByEvent="true">
      <bpmn:startEvent id="${espId}_s"><bpmn:messageEventDefinition messageRef="m_rut"/></bpmn:startEvent>${f('g0', `${espId}_s`, `${espId}_t`)}${task(`${espId}_t`)}${f('g1', `${espId}_t`, `${espId}_e`)}<bpmn:endEvent id="${espId}_e"/>
    </bpmn:subProcess>
    <bpmn:subProcess id="han" triggeredByEvent="true">
      <bpmn:startEvent id="han_s"><bpmn:timerEventDefinition><bpmn:timeDuration>P10D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>${f('h0', 'han_s', 'han_t')}${task('han_t')}${f('h1', 'han_t', 'han_e')}<bpmn:endEvent id="han_e"/>
    </bpmn:subProcess>
  </bpmn:process>
</bpmn:definitions>`;

interface CaseView {
  id: string;
  procedureVersion: number;
  tasks: { id: string; activityId: string }[];
  waitingFor: { kind: string; activityId: string; dueAt?: string }[];
}

describe('migration of cases with event sub-processes', () => {
  let svc: TestService;
  const inject = (opts: InjectOptions) => svc.inject(opts);
  const json = <T>(res: { body: string }) => JSON.parse(res.body) as T;
  const start = async () => json<CaseView>(await inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: 'esp_migrate', data: {} } }));
  const migrate = (id: string, toVersion: number, activityMapping: Record<string, string> = {}) =>
    inject({ method: 'POST', url: `/v1/cases/${id}/migrate`, payload: { toVersion, activityMapping } });

  beforeAll(async () => {
    svc = await startService('esp_migration');
    await createTestUnit(svc);
    // Cases start on the newest (3); 2 has the same ids, 1 names the withdrawal differently.
    for (const xml of [diagram('rut_moi'), diagram('rut'), diagram('rut', 'Thủ tục (sửa)')]) {
      const res = await inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: xml });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => svc?.destroy());

  it('armed starts migrate as they are: the same timer, due at the same instant', async () => {
    const c = await start();
    const before = c.waitingFor.find((w) => w.kind === 'timer');
    const res = await migrate(c.id, 2);
    expect(res.statusCode, res.body).toBe(200);
    const after = json<CaseView>(res);
    expect(after.procedureVersion).toBe(2);
    expect(after.waitingFor.find((w) => w.kind === 'timer')).toEqual(before);
    expect(after.waitingFor.map((w) => w.activityId).sort()).toEqual(['han_s', 'rut_s']);
  });

  it('a case inside a running event sub-process is refused with IN_EVENT_SUBPROCESS', async () => {
    const c = await start();
    const msg = await inject({ method: 'POST', url: `/v1/cases/${c.id}/messages`, payload: { name: 'rut_ho_so', data: {} } });
    expect(msg.statusCode, msg.body).toBe(200);
    const res = await migrate(c.id, 2);
    expect(res.statusCode).toBe(409);
    expect(json<{ error: { code: string } }>(res).error.code).toBe('IN_EVENT_SUBPROCESS');
  });

  it('renaming an event sub-process is refused with EVENT_SUBPROCESS_RENAMED', async () => {
    const c = await start();
    const res = await migrate(c.id, 1, { rut_s: 'rut_moi_s' });
    expect(res.statusCode).toBe(422);
    expect(json<{ error: { code: string } }>(res).error.code).toBe('EVENT_SUBPROCESS_RENAMED');
  });
});
