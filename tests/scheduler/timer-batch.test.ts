/**
 * One timer job fires every due timer of its case in one step. When an interrupting timer
 * in the batch ends the task, the task's other timers are cancelled, not recorded as fired,
 * and no job fires anything twice.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startService, type TestService } from '../support/harness.js';

function diagram(dueAt: string): string {
  const nonInterrupting = Array.from({ length: 3 }, (_, i) => `
    <boundaryEvent id="remind${i}" attachedToRef="hold" cancelActivity="false">
      <timerEventDefinition><timeDate>${dueAt}</timeDate></timerEventDefinition>
    </boundaryEvent>
    <sequenceFlow id="fr${i}" sourceRef="remind${i}" targetRef="reminded"/>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions id="batch_defs" xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="http://example.org/bpmn">
  <process id="batch" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="hold"/>
    <userTask id="hold" name="Hold" camunda:candidateGroups="specialist"/>${nonInterrupting}
    <boundaryEvent id="expire" attachedToRef="hold" cancelActivity="true">
      <timerEventDefinition><timeDate>${dueAt}</timeDate></timerEventDefinition>
    </boundaryEvent>
    <sequenceFlow id="fe" sourceRef="expire" targetRef="expired"/>
    <endEvent id="expired"/>
    <endEvent id="reminded"/>
    <sequenceFlow id="f2" sourceRef="hold" targetRef="done"/>
    <endEvent id="done"/>
  </process>
</definitions>`;
}

describe('timers of one case due together fire in one batch', () => {
  let svc: TestService;
  const json = <T>(res: { body: string }) => JSON.parse(res.body) as T;
  beforeAll(async () => {
    svc = await startService('timer_batch');
  }, 60_000);
  afterAll(async () => svc?.destroy());

  it('fires the interrupting timer once, records only timers that fired, and leaves nothing pending', async () => {
    const dueAt = new Date(Math.ceil((Date.now() + 6_000) / 1000) * 1000).toISOString();
    const res = await svc.inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: diagram(dueAt) });
    expect(res.statusCode, res.body).toBeLessThan(300);
    const started = await svc.container.cases.start({ procedureKey: 'batch', data: {}, by: 'test', unitId: 'don-vi-thu-nghiem' });
    expect(started.waitingFor.filter((w) => w.kind === 'timer')).toHaveLength(4);

    await eventually(async () => {
      const view = json<{ status: string }>(await svc.inject({ method: 'GET', url: `/v1/cases/${started.id}` }));
      return view.status === 'completed' ? true : undefined;
    }, 30_000);
    const timers = new Queue('timers', { connection: { url: svc.env.REDIS_URL }, prefix: svc.env.REDIS_PREFIX });
    await eventually(async () => {
      const counts = await timers.getJobCounts('wait', 'active', 'delayed', 'prioritized');
      return Object.values(counts).every((n) => n === 0) ? true : undefined;
    }, 30_000);
    await timers.close();

    const history = json<{ items: { type: string; activityId: string | null; at: string }[] }>(
      await svc.inject({ method: 'GET', url: `/v1/cases/${started.id}/history` }),
    ).items;
    const fired = history.filter((h) => h.type === 'timer.fired').map((h) => h.activityId ?? '');
    expect(fired.filter((id) => id === 'expire')).toHaveLength(1);
    expect(new Set(fired).size).toBe(fired.length);
    // Every recorded firing happened at or after the due instant, all in one commit.
    expect(new Set(history.filter((h) => h.type === 'timer.fired').map((h) => h.at)).size).toBe(1);
    for (const h of history.filter((x) => x.type === 'timer.fired')) expect(h.at >= dueAt).toBe(true);
    // A reminder not recorded as fired must not have reached its end event either.
    const reminded = history.filter((h) => h.type === 'step.completed' && h.activityId === 'reminded').length;
    expect(reminded).toBe(fired.filter((id) => id.startsWith('remind')).length);
  }, 60_000);
});
