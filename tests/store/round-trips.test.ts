/**
 * Database commands per step, counted with the MongoDB driver's command monitoring on the
 * service's own client: a step that opens or closes one task sends at most MAX_COMMANDS
 * (issue 8 §3). Start and the two completions run through the case service, as every route does.
 */
import type { CommandStartedEvent } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, startService, type TestService } from '../support/harness.js';

/** The bound this file holds the pipeline to; lower it as commands are removed. */
const MAX_COMMANDS = 6;

/**
 * Reads that refresh a cache on a clock (the newest procedure version after 5 s, the calendar
 * after CALENDAR_REFRESH_MS), not per step: on a busy machine a step can meet one. Counted apart,
 * at most one of each per step.
 */
const CACHE_REFRESHES = ['find procedures', 'find calendar_versions'];

const diagram = `<?xml version="1.0" encoding="UTF-8"?>
<definitions id="rt_defs" xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="http://example.org/bpmn">
  <process id="round_trips" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="first"/>
    <userTask id="first" name="First" camunda:candidateGroups="specialist"/>
    <sequenceFlow id="f2" sourceRef="first" targetRef="second"/>
    <userTask id="second" name="Second" camunda:candidateGroups="specialist"/>
    <sequenceFlow id="f3" sourceRef="second" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

describe('database commands per step', () => {
  let svc: TestService;
  let counting = false;
  const seen: string[] = [];
  const onDatabaseCommand = (e: CommandStartedEvent) => {
    if (counting) seen.push(`${e.commandName} ${String((e.command as Record<string, unknown>)[e.commandName])}`);
  };
  /** Runs `work` and returns the commands it sent. */
  async function commandsOf(work: () => Promise<unknown>): Promise<string[]> {
    seen.length = 0;
    counting = true;
    try {
      await work();
    } finally {
      counting = false;
    }
    return [...seen];
  }

  beforeAll(async () => {
    // No background workers: only the step's own commands reach the client.
    const env = { ...isolatedEnv('round_trips'), CALENDAR_REFRESH_MS: '3600000' };
    svc = await startService('round_trips', { onDatabaseCommand, background: false, env });
    const res = await svc.inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: diagram });
    expect(res.statusCode, res.body).toBeLessThan(300);
    // One unmeasured case warms the procedure and calendar caches.
    const warm = await svc.container.cases.start({ procedureKey: 'round_trips', data: {}, by: 'test', unitId: 'don-vi-thu-nghiem' });
    await svc.container.cases.completeTask(warm.id, warm.tasks[0]!.id, {}, 'test');
  }, 60_000);
  afterAll(async () => svc?.destroy());

  it(`start, complete a task, and the completion that ends the case each send at most ${MAX_COMMANDS}`, async () => {
    const cases = svc.container.cases;
    let view = await cases.start({ procedureKey: 'round_trips', data: {}, by: 'test', unitId: 'don-vi-thu-nghiem' });
    const start = await commandsOf(async () => (view = await cases.start({ procedureKey: 'round_trips', data: {}, by: 'test', unitId: 'don-vi-thu-nghiem' })));
    const complete = await commandsOf(async () => (view = await cases.completeTask(view.id, view.tasks[0]!.id, { ok: true }, 'test')));
    expect(view.tasks.map((t) => t.activityId)).toEqual(['second']);
    const end = await commandsOf(async () => (view = await cases.completeTask(view.id, view.tasks[0]!.id, { ok: true }, 'test')));
    expect(view.status).toBe('completed');
    const report = { start, complete, end };
    console.info(`round trips: ${JSON.stringify(Object.fromEntries(Object.entries(report).map(([k, v]) => [k, v.length])))}\n${JSON.stringify(report, null, 1)}`);
    for (const [step, commands] of Object.entries(report)) {
      const own = commands.filter((c) => !CACHE_REFRESHES.includes(c));
      expect(own.length, `${step}: ${commands.join(', ')}`).toBeLessThanOrEqual(MAX_COMMANDS);
      for (const refresh of CACHE_REFRESHES) expect(commands.filter((c) => c === refresh).length, `${step}: ${refresh}`).toBeLessThanOrEqual(1);
    }
  });
});
