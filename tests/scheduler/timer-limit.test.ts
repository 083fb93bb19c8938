/**
 * MAX_PENDING_TIMERS_PER_CASE at run time: a client step that would leave more timers pending
 * is refused with 422 TIMER_LIMIT_EXCEEDED and changes nothing; a system step (a timer firing)
 * turns into an incident carrying the same code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, isolatedEnv, startService, type TestService } from '../support/harness.js';

const LIMIT = 3;

function boundaryTimers(task: string, timers: { id: string; duration: string; to: string }[]): string {
  return timers
    .map((t) => `
    <boundaryEvent id="${t.id}" attachedToRef="${task}" cancelActivity="false">
      <timerEventDefinition><timeDuration>${t.duration}</timeDuration></timerEventDefinition>
    </boundaryEvent>
    <sequenceFlow id="f_${t.id}" sourceRef="${t.id}" targetRef="${t.to}"/>`)
    .join('');
}

function diagram(key: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions id="${key}_defs" xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="http://example.org/bpmn">
  <process id="${key}" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="hold"/>
    <userTask id="hold" name="Hold" camunda:candidateGroups="specialist"/>
    <sequenceFlow id="f2" sourceRef="hold" targetRef="done"/>
    <endEvent id="done"/>
    <endEvent id="reminded"/>${body}
  </process>
</definitions>`;
}

const hourly = (prefix: string, n: number, to = 'reminded') => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, duration: 'PT1H', to }));

/** Starting waits on LIMIT + 1 timers at once. */
const tooManyAtStart = diagram('too_many_at_start', boundaryTimers('hold', hourly('t', LIMIT + 1)));

/** Within the limit at start; a short timer then opens a second task with LIMIT more timers. */
const tooManyLater = diagram(
  'too_many_later',
  `${boundaryTimers('hold', [{ id: 'soon', duration: 'PT1S', to: 'more' }, ...hourly('h', 1)])}
    <userTask id="more" name="More" camunda:candidateGroups="specialist"/>
    <sequenceFlow id="f3" sourceRef="more" targetRef="reminded"/>${boundaryTimers('more', hourly('m', LIMIT))}`,
);

describe('per-case limit of pending timers at run time', () => {
  let svc: TestService;
  const json = <T>(res: { body: string }) => JSON.parse(res.body) as T;
  const publish = async (xml: string) => {
    const res = await svc.inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: xml });
    expect(res.statusCode, res.body).toBeLessThan(300);
  };

  beforeAll(async () => {
    svc = await startService('timer_limit', { env: { ...isolatedEnv('timer_limit'), MAX_PENDING_TIMERS_PER_CASE: String(LIMIT) } });
    expect(svc.config.maxPendingTimersPerCase).toBe(LIMIT);
    await publish(tooManyAtStart);
    await publish(tooManyLater);
  }, 60_000);
  afterAll(async () => svc?.destroy());

  it('refuses a start that would wait on too many timers, and stores no case', async () => {
    const refused = await svc.container.cases.start({ procedureKey: 'too_many_at_start', data: {}, by: 'test', unitId: 'don-vi-thu-nghiem' }).then(
      () => null,
      (err: unknown) => err as { code?: string; statusCode?: number; details?: unknown },
    );
    expect(refused?.code).toBe('TIMER_LIMIT_EXCEEDED');
    expect(refused?.statusCode).toBe(422);
    expect(refused?.details).toMatchObject({ pending: LIMIT + 1, limit: LIMIT });
    const listed = json<{ items: unknown[] }>(await svc.inject({ method: 'GET', url: '/v1/cases?procedureKey=too_many_at_start' }));
    expect(listed.items).toHaveLength(0);
  });

  it('turns a timer firing that would exceed the limit into an incident with the code', async () => {
    const started = await svc.container.cases.start({ procedureKey: 'too_many_later', data: {}, by: 'test', unitId: 'don-vi-thu-nghiem' });
    expect(started.waitingFor.filter((w) => w.kind === 'timer')).toHaveLength(2);
    const incident = await eventually(async () => {
      const view = json<{ status: string; incident: { kind: string; code?: string; activityId?: string } | null; waitingFor: { kind: string }[] }>(
        await svc.inject({ method: 'GET', url: `/v1/cases/${started.id}` }),
      );
      return view.status === 'incident' ? view : undefined;
    }, 20_000);
    expect(incident.incident).toMatchObject({ kind: 'timer', code: 'TIMER_LIMIT_EXCEEDED', activityId: 'soon' });
    // The case stays as it was before the step: the short timer did not fire, no second task.
    expect(incident.waitingFor.filter((w) => w.kind === 'timer')).toHaveLength(2);
    const history = json<{ items: { type: string }[] }>(await svc.inject({ method: 'GET', url: `/v1/cases/${started.id}/history` })).items;
    expect(history.filter((h) => h.type === 'timer.fired')).toHaveLength(0);
    expect(history.filter((h) => h.type === 'incident.raised')).toHaveLength(1);
  }, 30_000);
});
