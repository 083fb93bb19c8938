import { afterAll, describe, expect, it } from 'vitest';
import { call, spawnService, type ChildService } from '../support/child-service.js';
import { TEST_UNIT, TEST_UNIT_ID } from '../support/auth.js';
import { dropStores, eventually, isolatedEnv } from '../support/harness.js';

/*
 * A procedure that runs on a schedule, with two replicas of the real service (separate
 * processes, one database, one Redis): each occurrence starts exactly one case, whose id names
 * the occurrence; a newer version replaces the schedule; a storm is refused at publish.
 */
const KEY = 'chi_tra_dinh_ky';
const diagram = (timer: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${KEY}" name="Chi trả trợ cấp định kỳ" isExecutable="true">
    <bpmn:extensionElements><camunda:properties><camunda:property name="unitId" value="${TEST_UNIT_ID}"/></camunda:properties></bpmn:extensionElements>
    <bpmn:startEvent id="lich" name="Đầu kỳ">${timer}</bpmn:startEvent>
    <bpmn:sequenceFlow id="f0" sourceRef="lich" targetRef="lap_danh_sach"/>
    <bpmn:userTask id="lap_danh_sach" name="Lập danh sách chi trả" camunda:candidateGroups="mot-cua"/>
    <bpmn:sequenceFlow id="f1" sourceRef="lap_danh_sach" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;
const cycle = (text: string) => `<bpmn:timerEventDefinition><bpmn:timeCycle>${text}</bpmn:timeCycle></bpmn:timerEventDefinition>`;
const date = (iso: string) => `<bpmn:timerEventDefinition><bpmn:timeDate>${iso}</bpmn:timeDate></bpmn:timerEventDefinition>`;

interface CaseItem {
  id: string;
  procedureVersion: number;
  tasks?: unknown[];
}
interface Page {
  items: CaseItem[];
}

describe('timer start events with two replicas', () => {
  const env = { ...isolatedEnv('timer_starts'), PROCESSES_DIR: 'tests/fixtures/crash', LOG_LEVEL: 'warn', LIMIT_CYCLE_MIN_INTERVAL_MS: '2000' };
  const replicas: ChildService[] = [];
  afterAll(async () => {
    for (const r of replicas) await r.kill('SIGKILL');
    await dropStores(env);
  });

  const publish = async (base: string, xml: string) => {
    const res = await fetch(`${base}/v1/procedures`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml', authorization: `Bearer ${env.ADMIN_API_KEY}` },
      body: xml,
    });
    return { status: res.status, body: (await res.json()) as { version?: number; createdAt?: string; error?: { details?: { problems?: { code: string }[] } } } };
  };
  const casesOf = async (base: string) => (await call<Page>(base, 'GET', `/v1/cases?procedureKey=${KEY}&limit=100`)).body.items;

  it('each occurrence starts one case across replicas; a newer version replaces the schedule; storms are refused', async () => {
    replicas.push(await spawnService(env), await spawnService(env));
    const [a, b] = replicas.map((r) => r.url) as [string, string];
    expect((await call(a, 'POST', '/v1/units', TEST_UNIT)).status).toBe(201);

    const storm = await publish(a, diagram(cycle('R/PT1S')));
    expect(storm.status).toBe(422);
    expect(storm.body.error?.details?.problems?.map((p) => p.code)).toContain('TIMER_CYCLE_LIMIT');

    // Version 1: every 3 s from its publish instant, for ever.
    const v1 = await publish(a, diagram(cycle('R/PT3S')));
    expect(v1.status).toBe(201);
    const anchor = Date.parse(v1.body.createdAt ?? '');
    const firstThree = await eventually(async () => {
      const items = await casesOf(b);
      return items.length >= 3 ? items : undefined;
    }, 60_000, 250);
    const ids = new Set(firstThree.map((c) => c.id));
    expect(ids.size).toBe(firstThree.length);
    for (const c of firstThree) {
      // The id names its occurrence: anchor + k × 3 s.
      const at = Number(/-t(\d+)$/.exec(c.id)?.[1]);
      expect((at - anchor) % 3000).toBe(0);
      expect(c.procedureVersion).toBe(1);
    }

    // Version 2 runs once, a few seconds from now: version 1's schedule stops.
    const at = new Date(Math.ceil((Date.now() + 6000) / 1000) * 1000);
    const v2 = await publish(b, diagram(date(at.toISOString())));
    expect(v2.status).toBe(201);
    const v1Count = (await casesOf(a)).filter((c) => c.procedureVersion === 1).length;
    const second = await eventually(async () => {
      const items = await casesOf(a);
      return items.some((c) => c.procedureVersion === 2) ? items : undefined;
    }, 60_000, 250);
    expect(second.filter((c) => c.procedureVersion === 2).map((c) => c.id)).toEqual([`${KEY}-t${at.getTime()}`]);
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    const after = await casesOf(b);
    expect(after.filter((c) => c.procedureVersion === 2)).toHaveLength(1);
    // At most the occurrence already under way when version 2 was published.
    expect(after.filter((c) => c.procedureVersion === 1).length).toBeLessThanOrEqual(v1Count + 1);
    // Every occurrence of version 1 started exactly one case: consecutive instants, none twice.
    const v1Instants = after.filter((c) => c.procedureVersion === 1).map((c) => Number(/-t(\d+)$/.exec(c.id)?.[1])).sort((x, y) => x - y);
    expect(new Set(v1Instants).size).toBe(v1Instants.length);
    v1Instants.forEach((instant, i) => expect(instant).toBe((v1Instants[0] ?? 0) + i * 3000));
  }, 240_000);
});
