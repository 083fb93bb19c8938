import { describe, expect, it } from 'vitest';
import { validateDiagram } from '../../src/engine/validation/index.js';
import { compileProcedure } from '../../src/engine/procedure-compiler.js';
import { runStep, type StepOutcome } from '../../src/engine/step-runner.js';
import { isoDurationResolver } from '../../src/engine/timer-due.js';
import type { Wait } from '../../src/domain/case.js';

/*
 * Event sub-processes and escalations step by step, the engine state through JSON between steps
 * as stored. bpmn-elements 17 alone would leave the interrupted task open, never arm the timer or
 * take an outside message (event-sub-process-runtime.ts): these are the shapes it got wrong.
 */
const f = (id: string, from: string, to: string) => `<sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"/>`;
const doc = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://example.org">
<message id="m1" name="rut_ho_so"/><error id="err1" errorCode="E1"/><escalation id="esc1" escalationCode="ESC1"/>
<process id="P" isExecutable="true"><startEvent id="s"/>${body}</process></definitions>`;
const esp = (id: string, interrupting: boolean, trigger: string) =>
  `<subProcess id="${id}" triggeredByEvent="true"><startEvent id="${id}_s" isInterrupting="${interrupting}">${trigger}</startEvent>
   ${f(`${id}_f0`, `${id}_s`, `${id}_t`)}<userTask id="${id}_t"/>${f(`${id}_f1`, `${id}_t`, `${id}_e`)}<endEvent id="${id}_e"/></subProcess>`;
const twoTasks = `${f('f0', 's', 'A')}<userTask id="A"/>${f('f1', 'A', 'B')}<userTask id="B"/>${f('f2', 'B', 'e')}<endEvent id="e"/>`;
const timer = (text: string, kind = 'timeDuration') => `<timerEventDefinition><${kind}>${text}</${kind}></timerEventDefinition>`;
const message = '<messageEventDefinition messageRef="m1"/>';

async function drive(xml: string) {
  const outcome = await validateDiagram(xml, { plugins: new Set() });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
  const procedure = compileProcedure(outcome.processId, 1, outcome.moddleContext);
  let state: unknown = null;
  let waits: Wait[] = [];
  let last: StepOutcome | undefined;
  const events: string[] = [];
  const step = async (action: Parameters<typeof runStep>[0]['action']) => {
    last = await runStep({ procedure, caseId: 'c1', engineState: state, variables: {}, waits, action, now: new Date(), resolveDuration: isoDurationResolver });
    if (last.status === 'error') throw last.error ?? new Error('engine error');
    state = JSON.parse(JSON.stringify(last.engineState));
    waits = JSON.parse(JSON.stringify(last.waits)) as Wait[];
    events.push(...last.events.map((e) => `${e.type.slice(5)}:${e.activityId}`));
    return last;
  };
  const find = (activityId: string) => {
    const wait = waits.find((w) => w.activityId === activityId);
    if (!wait) throw new Error(`no wait at ${activityId}; waiting: ${waits.map((w) => w.activityId).join(', ')}`);
    return wait;
  };
  return {
    start: () => step({ type: 'start' }),
    resume: () => step({ type: 'resume' }),
    act: (activityId: string) => {
      const wait = find(activityId);
      return step(wait.kind === 'timer' ? { type: 'fireTimers', waits: [wait] } : { type: 'signal', wait });
    },
    find,
    waiting: () => waits.map((w) => `${w.kind}:${w.activityId}`).sort(),
    status: () => last?.status,
    events,
  };
}

describe('event sub-processes', () => {
  it('an interrupting timer event sub-process cancels the running task; its timer is a wait of the case, armed once', async () => {
    const d = await drive(doc(twoTasks + esp('T', true, timer('P10D'))));
    await d.start();
    expect(d.waiting()).toEqual(['task:A', 'timer:T_s']);
    const armed = d.find('T_s');
    await d.resume(); // a step that does not fire keeps the same timer (same id, same due instant)
    expect(d.find('T_s')).toEqual(armed);
    await d.act('A');
    expect(d.find('T_s')).toEqual(armed);
    await d.act('T_s');
    expect(d.waiting()).toEqual(['task:T_t']);
    expect(d.events).toContain('cancelled:B');
    await d.resume();
    await d.act('T_t');
    expect(d.status()).toBe('completed');
  });

  it('a non-interrupting message event sub-process opens an extra task, the main task stays; it can come again once done', async () => {
    const d = await drive(doc(twoTasks + esp('M', false, message)));
    await d.start();
    expect(d.waiting()).toEqual(['message:M_s', 'task:A']);
    await d.act('M_s');
    expect(d.waiting()).toEqual(['task:A', 'task:M_t']); // not armed while it runs (one instance at a time)
    await d.act('A');
    await d.act('M_t');
    expect(d.waiting()).toEqual(['message:M_s', 'task:B']);
    await d.act('M_s');
    await d.act('B');
    expect(d.status()).toBe('active'); // the scope waits for its event sub-process
    await d.act('M_t');
    expect(d.status()).toBe('completed');
  });

  it('an interrupting message event sub-process ("the applicant withdraws") ends the main flow at any step', async () => {
    const d = await drive(doc(twoTasks + esp('M', true, message)));
    await d.start();
    await d.act('A');
    await d.act('M_s');
    expect(d.waiting()).toEqual(['task:M_t']);
    await d.act('M_t');
    expect(d.status()).toBe('completed');
    expect(d.events.filter((e) => e === 'entered:B')).toHaveLength(1);
  });

  it('an error event sub-process interrupts the rest of the process', async () => {
    const body = `${f('f0', 's', 'fk')}<parallelGateway id="fk"/>${f('f1', 'fk', 'A')}${f('f2', 'fk', 'X')}<userTask id="A"/>${f('f3', 'A', 'e')}<endEvent id="e"/>
      <userTask id="X"/>${f('f4', 'X', 'ee')}<endEvent id="ee"><errorEventDefinition errorRef="err1"/></endEvent>`;
    const d = await drive(doc(body + esp('R', true, '<errorEventDefinition errorRef="err1"/>')));
    await d.start();
    expect(d.waiting()).toEqual(['task:A', 'task:X']);
    await d.act('X');
    expect(d.waiting()).toEqual(['task:R_t']);
    expect(d.events).toContain('cancelled:A');
    await d.act('R_t');
    expect(d.status()).toBe('completed');
  });

  it('an escalation event sub-process, non-interrupting: the thrower goes on', async () => {
    const body = `${f('f0', 's', 'A')}<userTask id="A"/>${f('f1', 'A', 'th')}
      <intermediateThrowEvent id="th"><escalationEventDefinition escalationRef="esc1"/></intermediateThrowEvent>${f('f2', 'th', 'B')}<userTask id="B"/>${f('f3', 'B', 'e')}<endEvent id="e"/>`;
    const d = await drive(doc(body + esp('Q', false, '<escalationEventDefinition escalationRef="esc1"/>')));
    await d.start();
    await d.act('A');
    expect(d.waiting()).toEqual(['task:B', 'task:Q_t']);
    await d.act('B');
    await d.act('Q_t');
    expect(d.status()).toBe('completed');
  });

  it('an escalation end event inside a sub-process starts an interrupting escalation event sub-process of the process', async () => {
    const body = `${f('f0', 's', 'fk')}<parallelGateway id="fk"/>${f('f1', 'fk', 'A')}${f('f2', 'fk', 'sub')}<userTask id="A"/>${f('f3', 'A', 'e')}<endEvent id="e"/>
      <subProcess id="sub"><startEvent id="ss"/>${f('g0', 'ss', 'X')}<userTask id="X"/>${f('g1', 'X', 'xe')}
        <endEvent id="xe"><escalationEventDefinition escalationRef="esc1"/></endEvent></subProcess>${f('f4', 'sub', 'e5')}<endEvent id="e5"/>`;
    const d = await drive(doc(body + esp('Q', true, '<escalationEventDefinition escalationRef="esc1"/>')));
    await d.start();
    expect(d.waiting()).toEqual(['task:A', 'task:X']);
    await d.act('X');
    expect(d.waiting()).toEqual(['task:Q_t']);
    expect(d.events).toContain('cancelled:A');
    await d.act('Q_t');
    expect(d.status()).toBe('completed');
  });

  it('an event sub-process of an embedded sub-process is armed only while that sub-process runs', async () => {
    const body = `${f('f0', 's', 'sub')}<subProcess id="sub"><startEvent id="ss"/>${f('g0', 'ss', 'A')}<userTask id="A"/>${f('g1', 'A', 'se')}<endEvent id="se"/>
      ${esp('M', true, message)}</subProcess>${f('f1', 'sub', 'after')}<userTask id="after"/>${f('f2', 'after', 'e')}<endEvent id="e"/>`;
    const d = await drive(doc(body));
    await d.start();
    expect(d.waiting()).toEqual(['message:M_s', 'task:A']);
    await d.act('M_s');
    expect(d.waiting()).toEqual(['task:M_t']);
    await d.act('M_t');
    expect(d.waiting()).toEqual(['task:after']); // the sub-process ended through its event sub-process
    await d.act('after');
    expect(d.status()).toBe('completed');
  });

  it('a non-interrupting cycle fires its count, each firing a fresh wait id', async () => {
    const d = await drive(doc(twoTasks + esp('C', false, timer('R2/PT1H', 'timeCycle'))));
    await d.start();
    const first = d.find('C_s').executionId;
    await d.act('C_s');
    await d.act('C_t');
    const second = d.find('C_s').executionId;
    expect(second).not.toBe(first);
    await d.act('C_s');
    await d.act('C_t');
    expect(d.waiting()).toEqual(['task:A']);
  });
});

describe('escalation boundary events', () => {
  const body = (cancel: boolean) => `${f('f0', 's', 'sub')}
    <subProcess id="sub"><startEvent id="ss"/>${f('g0', 'ss', 'A')}<userTask id="A"/>${f('g1', 'A', 'th')}
      <intermediateThrowEvent id="th"><escalationEventDefinition escalationRef="esc1"/></intermediateThrowEvent>${f('g2', 'th', 'B')}<userTask id="B"/>${f('g3', 'B', 'se')}<endEvent id="se"/></subProcess>
    ${f('f1', 'sub', 'e')}<endEvent id="e"/>
    <boundaryEvent id="bx" attachedToRef="sub" cancelActivity="${cancel}"><escalationEventDefinition escalationRef="esc1"/></boundaryEvent>
    ${f('f5', 'bx', 'L')}<userTask id="L"/>${f('f6', 'L', 'e2')}<endEvent id="e2"/>`;

  it('non-interrupting: the leader gets a task, the sub-process goes on; the catch is no task of anyone', async () => {
    const d = await drive(doc(body(false)));
    await d.start();
    expect(d.waiting()).toEqual(['task:A']);
    await d.act('A');
    expect(d.waiting()).toEqual(['task:B', 'task:L']);
    await d.act('L');
    await d.act('B');
    expect(d.status()).toBe('completed');
  });

  it('interrupting: the sub-process is left for the escalation path', async () => {
    const d = await drive(doc(body(true)));
    await d.start();
    await d.act('A');
    expect(d.waiting()).toEqual(['task:L']);
    await d.act('L');
    expect(d.status()).toBe('completed');
  });
});
